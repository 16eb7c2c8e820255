// The fake OpenAI (and Anthropic Messages) upstream behind `aisix mock`, `serve --demo`, the tests
// and the benchmarks: `startMock()` listens and hands back the URL, the request log and connection
// counts.
import type { AddressInfo } from 'node:net';
import type { MockState } from './context.js';
import { ConversationStore } from './conversation-store.js';
import { JSON_STYLES, parseJsonStyle, type JsonStyle } from './json-style.js';
import { RequestLog } from './request-log.js';
import { closeServer, createMockServer, listen, type ConnectionTracker } from './server.js';
import { ResponseStore } from './store.js';
import type { MockOptions, MockServer } from './types.js';
import { WebSocketHub } from './ws-upgrade.js';

export type { MockOptions, MockServer, RecordedRequest } from './types.js';
export { MOCK_MODELS } from './behaviours.js';
export { JSON_STYLES, parseJsonStyle, type JsonStyle } from './json-style.js';
export { JSON_STYLE_HEADER } from './request-style.js';

/** `http://host:port`, with IPv6 hosts in brackets. */
export function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The server-wide style; a name that is not one of JSON_STYLES (from plain JS or a CLI) throws. */
function serverJsonStyle(name: string | undefined): JsonStyle {
  if (name === undefined) return 'compact';
  const style = parseJsonStyle(name);
  if (style === undefined) throw new TypeError(`unknown JSON style '${name}' (expected one of ${JSON_STYLES.join(', ')})`);
  return style;
}

export async function startMock(options: MockOptions = {}): Promise<MockServer> {
  const host = options.host ?? '127.0.0.1';
  const jsonStyle = serverJsonStyle(options.jsonStyle);
  const tracker: ConnectionTracker = { open: new Set(), busy: new Set(), seen: 0 };
  const hub = new WebSocketHub();
  const state: MockState = {
    store: new ResponseStore(),
    conversations: new ConversationStore(),
    log: new RequestLog(),
    apiKey: options.apiKey,
    jsonStyle,
    calls: new Map(),
    openConnections: () => tracker.open.size,
    connectionsSeen: () => tracker.seen,
    openWebSockets: () => hub.size,
  };
  const server = createMockServer(state, tracker, hub);
  await listen(server, host, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  return {
    url: formatUrl(host, port),
    port,
    requests: () => state.log.list(),
    clearRequests: () => void state.log.clear(),
    openConnections: state.openConnections,
    connectionsSeen: state.connectionsSeen,
    busyConnections: () => tracker.busy.size,
    openWebSockets: state.openWebSockets,
    close: () => {
      hub.close();
      return closeServer(server, tracker);
    },
  };
}
