// Shared pieces of the reliability suite: the two secrets (a provider key and a caller key, both
// passed to the child through its environment), the temp config file in os.tmpdir(), the SDK
// client, unique request ids, and the checks every file repeats (still serving, no secret leaked).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { expect } from 'vitest';
import { stringify } from 'yaml';
import type { ProxyChild } from './proxy-child.js';

export const PROVIDER_KEY = `sk-rel-provider-${randomBytes(8).toString('hex')}`;
export const CALLER_KEY = `sk-rel-caller-${randomBytes(8).toString('hex')}`;
/** a second caller that may only use the `echo` alias (configured by hash) */
export const LIMITED_KEY = `sk-rel-limited-${randomBytes(8).toString('hex')}`;
export const SECRETS = [PROVIDER_KEY, CALLER_KEY, LIMITED_KEY];
/** the environment every proxy child gets: the config reads both keys from it */
export const CHILD_ENV = { REL_PROVIDER_KEY: PROVIDER_KEY, REL_CALLER_KEY: CALLER_KEY };
/** the input text guardrail configs block */
export const BLOCKED_WORD = 'project falcon';

export interface ModelSpec {
  alias: string;
  model: string;
  /** provider key name, default `mock` */
  key?: string;
  timeout?: number;
  stream_timeout?: number;
}

export interface ConfigSpec {
  /** provider key name → api_base */
  providers: Record<string, string>;
  models: ModelSpec[];
  proxy?: Record<string, number | string | boolean>;
  guardrails?: Record<string, unknown>[];
}

/** The YAML config text: every provider key uses ${REL_PROVIDER_KEY}, the caller key comes from key_env. */
export function configYaml(spec: ConfigSpec): string {
  const doc = {
    _format_version: '1',
    // one attempt per request: these suites count what reaches the mock (retries: test/gateway/routing.test.ts)
    proxy: { addr: '127.0.0.1:0', upstream_retries: 0, ...spec.proxy },
    provider_keys: Object.entries(spec.providers).map(([name, apiBase]) => ({
      display_name: name, provider: 'openai', api_key: '${REL_PROVIDER_KEY}', api_base: apiBase,
    })),
    models: spec.models.map((m) => ({
      display_name: m.alias, provider: 'openai', model_name: m.model, provider_key: m.key ?? 'mock',
      ...(m.timeout !== undefined ? { timeout: m.timeout } : {}),
      ...(m.stream_timeout !== undefined ? { stream_timeout: m.stream_timeout } : {}),
    })),
    api_keys: [
      { display_name: 'dev', key_env: 'REL_CALLER_KEY', allowed_models: ['*'] },
      { display_name: 'limited', key_hash: createHash('sha256').update(LIMITED_KEY).digest('hex'), allowed_models: ['echo'] },
    ],
    ...(spec.guardrails !== undefined ? { guardrails: spec.guardrails } : {}),
  };
  return stringify(doc);
}

/** A keyword guardrail that blocks BLOCKED_WORD at `hook_point`. */
export function blockingGuardrail(hookPoint: 'input' | 'output' | 'both'): Record<string, unknown> {
  return {
    name: 'no-codenames', kind: 'keyword', hook_point: hookPoint, enforcement_mode: 'block',
    patterns: [{ kind: 'literal', value: BLOCKED_WORD }],
  };
}

export interface Scratch {
  dir: string;
  /** writes `name` in the scratch dir and returns its path */
  write(name: string, text: string): string;
  remove(): void;
}

export function scratchDir(label: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), `aisix-rel-${label}-`));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function sdk(url: string, key = CALLER_KEY): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, timeout: 20_000 });
}

let counter = 0;
/** A request id unique in this run, sent as x-aisix-request-id so a request's event can be found. */
export function rid(label: string): string {
  counter += 1;
  return `rel-${label}-${process.pid}-${counter}`;
}

/** Fails when any secret appears in `text` (a response body, an NDJSON line, a log line, stderr). */
export function expectNoSecrets(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${where} contains a secret`).toBe(false);
}

/** /healthz answers and a real request goes through: the process survived what came before. */
export async function expectStillServing(proxy: ProxyChild, alias = 'echo'): Promise<void> {
  expect(proxy.alive(), `proxy exited: ${proxy.stderr()}`).toBe(true);
  const health = await fetch(`${proxy.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });
  const id = rid('alive');
  const reply = await sdk(proxy.url).responses.create({ model: alias, input: 'still here' }, { headers: { 'x-aisix-request-id': id } });
  expect(reply.output_text).toBe('still here');
  expect((await proxy.eventFor(id)).status).toBe(200);
}

/** Polls `check` every 10 ms; false once `timeoutMs` has passed. */
export async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
