// One immutable view of a loaded config, built once per (re)load: the key index, the model
// index, the upstream agents and the guardrail chain. A request takes the current snapshot when it
// arrives and keeps it to the end, so a reload never changes a request half-way.
import type { Config } from '../config/types.js';
import { buildGuardrailChain, type GuardrailChain } from '../guardrails/index.js';
import { indexKeys, type KeyIndex } from './auth.js';
import { indexModels, type ModelIndex } from './resolve-model.js';
import { buildUpstreams, type Upstream } from './upstream.js';

export interface Snapshot {
  readonly config: Config;
  readonly keys: KeyIndex | null;
  readonly models: ModelIndex;
  readonly upstreams: ReadonlyMap<string, Upstream>;
  readonly guardrails: GuardrailChain;
}

export function buildSnapshot(config: Config, previous: Snapshot | null): Snapshot {
  return {
    config,
    keys: indexKeys(config.apiKeys),
    models: indexModels(config.models, config.apiKeys),
    upstreams: buildUpstreams(config.providerKeys, previous?.upstreams ?? null),
    guardrails: buildGuardrailChain(config.guardrails, { bufferCapBytes: config.proxy.guardrailBufferBytes }),
  };
}
