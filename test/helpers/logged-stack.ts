// A stack whose bus also feeds the JSONL request log (src/reporters/log-file.ts), the way
// `aisix serve --log-file` wires it: mock upstream, gateway on port 0, events collected.
import type { RequestFinished } from '../../src/events/types.js';
import { createEventBus } from '../../src/events/bus.js';
import { createGateway } from '../../src/gateway/index.js';
import { startMock, type MockServer } from '../../src/mock/index.js';
import { attachLogFile } from '../../src/reporters/log-file.js';
import { makeConfig, type StackOptions } from './stack.js';

export interface LoggedStack {
  url: string;
  mock: MockServer;
  events: RequestFinished[];
  /** stops the gateway, flushes and closes the log, stops the mock */
  close(): Promise<void>;
}

export async function startLoggedStack(o: StackOptions & { logPath: string; bodies: boolean }): Promise<LoggedStack> {
  const mock = await startMock();
  const config = makeConfig(mock.url, o);
  const bus = createEventBus();
  const events: RequestFinished[] = [];
  bus.on('request.finished', (e) => void events.push(e));
  const log = attachLogFile(bus, { path: o.logPath, bodies: o.bodies });
  const gateway = createGateway({ config, bus, previews: o.previews ?? o.bodies });
  const url = await gateway.listen('127.0.0.1', 0);
  return {
    url, mock, events,
    close: async () => {
      await gateway.close(500);
      await log.close();
      await mock.close();
    },
  };
}
