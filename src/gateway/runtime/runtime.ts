// A runtime: one immutable generation of the loaded config (DESIGN.md §8) — the key and model
// indexes, the upstream agents, the guardrail chain, the fault plan, the address actually bound
// and the exposure verdict. A request takes the current runtime when it arrives and holds it to
// the end, so a reload never changes a request half-way and never closes an agent a request still
// needs.
// Every invariant (§9) is checked here, at start and on every reload, against the bound address.
import type { Config } from '../../config/types.js';
import { buildGuardrailScopes, type GuardrailScopes } from '../../guardrails/index.js';
import { compileFaults, type FaultPlan } from '../faults/plan.js';
import { isLoopbackHost } from '../../net/loopback.js';
import { indexKeys, type KeyIndex } from './key-index.js';
import { indexModels, type ModelIndex } from './model-index.js';
import { indexPassthrough, type PassthroughIndex } from './passthrough-index.js';
import { buildUpstreams, type Upstream } from './upstream.js';

/** Who may reach the proxy, decided once per runtime (§9). */
export interface Exposure {
  /** no api_keys: loopback only, Host and content-type rules on */
  readonly authOff: boolean;
  /** `proxy.allowed_origins` entries besides loopback origins */
  readonly allowedOrigins: ReadonlySet<string>;
  readonly anyOrigin: boolean;
}

export interface Runtime {
  readonly config: Config;
  readonly keys: KeyIndex | null;
  /** how many caller keys the config has: with more than one, response ids are caller-bound */
  readonly callerCount: number;
  readonly models: ModelIndex;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  /** the file's passthrough routes and who may use them */
  readonly passthrough: PassthroughIndex;
  /** the guardrail chain of each request, by its model and caller (attachments) */
  readonly guardrails: GuardrailScopes;
  /** `proxy.faults` and `proxy.fault_header`, compiled; null when nothing is injected */
  readonly faults: FaultPlan | null;
  readonly exposure: Exposure;
  /** the host actually bound, or null before listening */
  readonly boundHost: string | null;
  /** a request starts using this runtime */
  retain(): void;
  /** a request that retained this runtime has ended */
  release(): void;
  /** a newer runtime took over: agents only this one holds close once its last request ends */
  retire(): void;
}

export type RuntimeResult = { ok: true; runtime: Runtime } | { ok: false; errors: string[] };

/** The invariants a config must hold on a listener bound to `host` (null: not bound yet). */
export function checkInvariants(config: Config, host: string | null): string[] {
  const errors: string[] = [];
  const authOff = config.apiKeys.length === 0;
  if (authOff && host !== null && !isLoopbackHost(host)) {
    errors.push(`refusing to serve on ${host} without api_keys: anyone on the network could use your provider keys (add api_keys, or listen on 127.0.0.1)`);
  }
  if (authOff && config.proxy.allowedOrigins.includes('*')) {
    errors.push('proxy.allowed_origins "*" needs api_keys: without them any web page could use your provider keys');
  }
  if (authOff && config.passthroughRoutes.some((r) => r.enabled)) {
    errors.push('passthrough routes need api_keys: a route relays your provider key to whoever calls it');
  }
  return errors;
}

export function buildRuntime(config: Config, boundHost: string | null, previous: Runtime | null): RuntimeResult {
  const errors = checkInvariants(config, boundHost);
  if (errors.length > 0) return { ok: false, errors };
  const upstreams = buildUpstreams(config.providerKeys, previous?.upstreams ?? null);
  let refs = 0;
  let retired = false;
  let disposed = false;
  const dispose = (): void => {
    if (disposed) return;
    disposed = true;
    for (const u of upstreams.values()) void u.agent.release();
  };
  const runtime: Runtime = {
    config,
    keys: indexKeys(config.apiKeys),
    callerCount: config.apiKeys.length,
    models: indexModels(config.models, config.apiKeys),
    upstreams,
    passthrough: indexPassthrough(config.passthroughRoutes, config.apiKeys),
    guardrails: buildGuardrailScopes(config.guardrails, config.guardrailAttachments, { bufferCapBytes: config.proxy.guardrailBufferBytes }),
    faults: compileFaults(config.proxy),
    exposure: {
      authOff: config.apiKeys.length === 0,
      allowedOrigins: new Set(config.proxy.allowedOrigins.filter((o) => o !== '*')),
      anyOrigin: config.proxy.allowedOrigins.includes('*'),
    },
    boundHost,
    retain: () => void refs++,
    release: () => {
      if (--refs === 0 && retired) dispose();
    },
    retire: () => {
      retired = true;
      if (refs === 0) dispose();
    },
  };
  return { ok: true, runtime };
}
