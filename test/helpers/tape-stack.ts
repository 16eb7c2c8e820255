// A proxy with tapes (`--record` / `--replay`) and faults, over an upstream URL of the test's
// choosing: the mock while recording, a closed port while replaying (so a replay that reached an
// upstream would fail). The config is YAML through the real loader, as in stack.ts (`${MOCK_URL}`
// is that URL); every request.finished and warning event is collected.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createEventBus } from '../../src/events/bus.js';
import type { RequestFinished } from '../../src/events/types.js';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import type { TapeOptions } from '../../src/gateway/tapes/deck.js';
import { CALLER_KEY, loadStackConfig } from './stack.js';

export interface TapeStackOptions {
  yaml: string;
  /** what `${MOCK_URL}` is */
  upstream: string;
  tapes?: TapeOptions;
  /** the gateway's seed when the file sets no `proxy.faults_seed` */
  faultsSeed?: number;
  env?: Record<string, string>;
}

export interface TapeStack {
  url: string;
  gateway: Gateway;
  events: RequestFinished[];
  warnings: string[];
  openai(): OpenAI;
  anthropic(): Anthropic;
  waitForEvents(n: number): Promise<RequestFinished[]>;
  close(): Promise<void>;
}

export async function startTapeStack(o: TapeStackOptions): Promise<TapeStack> {
  const { config } = loadStackConfig(o.yaml, { MOCK_URL: o.upstream, ...o.env });
  const bus = createEventBus();
  const events: RequestFinished[] = [];
  const warnings: string[] = [];
  bus.on('request.finished', (e) => void events.push(e));
  bus.on('warning', (w) => void warnings.push(w.message));
  const gateway = createGateway({ config, bus, ...(o.tapes === undefined ? {} : { tapes: o.tapes }), ...(o.faultsSeed === undefined ? {} : { faultsSeed: o.faultsSeed }) });
  const url = await gateway.listen('127.0.0.1', 0);
  return {
    url, gateway, events, warnings,
    openai: () => new OpenAI({ baseURL: `${url}/v1`, apiKey: CALLER_KEY, maxRetries: 0, timeout: 15_000 }),
    anthropic: () => new Anthropic({ baseURL: url, apiKey: CALLER_KEY, maxRetries: 0, timeout: 15_000 }),
    waitForEvents: async (n) => {
      const deadline = Date.now() + 10_000;
      while (events.length < n) {
        if (Date.now() > deadline) throw new Error(`${n} request.finished events expected, have ${events.length}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return events;
    },
    close: () => gateway.close(500),
  };
}

/** Every tape file under `dir` (relative paths, sorted), with its text. */
export function tapeFiles(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (sub: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(dir, sub));
    } catch {
      return;
    }
    for (const name of names) {
      const rel = sub === '' ? name : `${sub}/${name}`;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else out.push({ path: rel, text: readFileSync(join(dir, rel), 'utf8') });
    }
  };
  walk('');
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
