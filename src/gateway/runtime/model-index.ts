// Alias resolution — the only place that reads the config's models (AISIX model_resolve rules):
// exact display_name first, then the most specific wildcard model; `allowed_models` is checked
// against the requested name; routing/ensemble/semantic models are refused with a clear 400.
import type { ApiKey, Model } from '../config/types.js';
import { GatewayError } from './errors.js';
import { anyGlob, compileGlob, type Glob } from './glob.js';

export interface ModelIndex {
  readonly exact: ReadonlyMap<string, Model>;
  /** most specific first; ties keep file order */
  readonly wildcards: readonly { glob: Glob; model: Model }[];
  readonly allowed: ReadonlyMap<ApiKey, readonly Glob[]>;
}

export interface ResolvedModel {
  alias: string;
  model: Model;
  /** the upstream model id sent in the body */
  upstreamModel: string;
}

export function indexModels(models: readonly Model[], keys: readonly ApiKey[]): ModelIndex {
  const exact = new Map<string, Model>();
  const wildcards: { glob: Glob; model: Model }[] = [];
  for (const model of models) {
    if (model.wildcard && model.kind === 'direct') wildcards.push({ glob: compileGlob(model.name), model });
    else exact.set(model.name, model);
  }
  wildcards.sort((a, b) => b.glob.literalLength - a.glob.literalLength);
  const allowed = new Map(keys.map((k) => [k, k.allowedModels.map(compileGlob)] as const));
  return { exact, wildcards, allowed };
}

/** Resolves the requested name, or throws 404 `model_not_found`. */
export function resolveModel(index: ModelIndex, requested: string): ResolvedModel {
  const model = index.exact.get(requested);
  if (model !== undefined) return { alias: requested, model, upstreamModel: model.modelName ?? requested };
  for (const { glob, model: wild } of index.wildcards) {
    const captured = glob.match(requested);
    if (captured === null) continue;
    const template = wild.modelName;
    const upstreamModel = template === null ? captured : template.replace('*', captured);
    return { alias: requested, model: wild, upstreamModel };
  }
  throw new GatewayError('model_not_found', `model "${requested}" not found`);
}

/** Throws 403 unless the caller's allowed_models admits the requested name (no caller = auth off). */
export function checkAllowed(index: ModelIndex, caller: ApiKey | null, requested: string): void {
  if (caller === null) return;
  if (anyGlob(index.allowed.get(caller) ?? [], requested)) return;
  throw new GatewayError('forbidden', `API key is not allowed to use model "${requested}"`);
}

/** Throws 400 for model shapes the local proxy does not serve. */
export function checkServable(resolved: ResolvedModel): void {
  if (resolved.model.kind === 'direct') return;
  throw new GatewayError(
    'provider_rejected',
    `model "${resolved.alias}" is a ${resolved.model.kind} model; the local proxy does not route such models yet`,
  );
}

/** Aliases (not wildcard patterns) the caller may use, sorted. */
export function visibleModels(index: ModelIndex, caller: ApiKey | null): Model[] {
  const models = [...index.exact.values()].filter((m) => !m.wildcard);
  const visible = caller === null ? models : models.filter((m) => anyGlob(index.allowed.get(caller) ?? [], m.name));
  return visible.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
