// Test stack: the real mock upstream and the real gateway, both on port 0, with a config built in
// code (so gateway tests don't depend on YAML details) and every emitted event collected.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import type { ApiKey, Config, Guardrail, Model, ProviderKey, ProxySettings } from '../../src/config/types.js';
import { createEventBus } from '../../src/events/bus.js';
import type { GatewayEvents, RequestFinished } from '../../src/events/types.js';
import { createGateway, type Gateway } from '../../src/gateway/index.js';
import { startMock, type MockServer } from '../../src/mock/index.js';

export const CALLER_KEY = 'sk-caller-dev';
export const UPSTREAM_KEY = 'sk-upstream-secret';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function model(name: string, modelName: string, extra: Partial<Model> = {}): Model {
  return {
    name, kind: 'direct', provider: 'openai', modelName, providerKey: 'mock', wildcard: name.includes('*'),
    timeoutMs: null, streamTimeoutMs: null, cost: null, ...extra,
  };
}

export function apiKey(name: string, plaintext: string, extra: Partial<ApiKey> = {}): ApiKey {
  return { name, keyHash: sha256(plaintext), keyEnv: null, allowedModels: ['*'], expiresAt: null, disabled: false, ...extra };
}

export const defaultModels: Model[] = [
  model('gpt', 'mock-echo', { cost: { inputPer1k: 0.5, outputPer1k: 1.5 } }),
  ...['slow', 'error-429', 'error-500', 'error-400', 'error-text', 'cut', 'no-usage', 'long', 'reasoning', 'tool', 'crlf',
    'bytewise', 'data-only', 'hang', 'stall', 'reset', 'bad-sse', 'huge'].map((b) => model(b, `mock-${b}`)),
  model('openai/*', '*'),
];

export interface StackOptions {
  models?: Model[];
  apiKeys?: ApiKey[];
  guardrails?: Guardrail[];
  providerKeys?: (mockUrl: string) => ProviderKey[];
  proxy?: Partial<ProxySettings>;
  previews?: boolean;
}

export interface Stack {
  mock: MockServer;
  gateway: Gateway;
  url: string;
  config: Config;
  events: RequestFinished[];
  all: { name: keyof GatewayEvents; payload: unknown }[];
  client(key?: string): OpenAI;
  /** resolves once `n` request.finished events have arrived */
  waitForEvents(n: number): Promise<RequestFinished[]>;
  close(): Promise<void>;
}

export function makeConfig(mockUrl: string, o: StackOptions = {}): Config {
  const proxy: ProxySettings = {
    addr: '127.0.0.1:0', host: '127.0.0.1', port: 0, requestBodyLimitBytes: 1_048_576, requestTimeoutMs: 30_000,
    upstreamTimeoutMs: 10_000, streamIdleTimeoutMs: 10_000, guardrailBufferBytes: 262_144, logFile: null,
    logBodies: false, shutdownGraceMs: 1_000, ...o.proxy,
  };
  const providerKeys = o.providerKeys?.(mockUrl) ?? [
    { name: 'mock', provider: 'openai', apiKey: UPSTREAM_KEY, apiBase: `${mockUrl}/v1`, adapter: null, forwardClientHeaders: [] },
  ];
  return {
    path: '(test)', proxy, providerKeys, models: o.models ?? defaultModels,
    apiKeys: o.apiKeys ?? [apiKey('dev', CALLER_KEY)], guardrails: o.guardrails ?? [],
  };
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const mock = await startMock();
  const config = makeConfig(mock.url, o);
  const bus = createEventBus();
  const events: RequestFinished[] = [];
  const all: Stack['all'] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  bus.on('request.finished', (e) => {
    events.push(e);
    for (const w of waiters.filter((w) => events.length >= w.n)) w.resolve();
  });
  for (const name of ['request.started', 'config.reloaded', 'config.rejected', 'warning'] as const) {
    bus.on(name, (payload) => void all.push({ name, payload }));
  }
  const gateway = createGateway({ config, bus, previews: o.previews ?? false });
  const url = await gateway.listen('127.0.0.1', 0);
  return {
    mock, gateway, url, config, events, all,
    client: (key = CALLER_KEY) => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, timeout: 15_000 }),
    waitForEvents: (n) =>
      events.length >= n ? Promise.resolve(events) : new Promise((resolve) => waiters.push({ n, resolve: () => resolve(events) })),
    close: async () => {
      await gateway.close(500);
      await mock.close();
    },
  };
}
