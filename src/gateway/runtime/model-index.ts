// The model index of one runtime (AISIX model_resolve rules): exact display_name first, then the
// most specific wildcard model; each caller's compiled `allowed_models`. Lookups only: the
// decisions (404, 403, 400) are made by the resolve stage (stages/resolve.ts).
import type { ApiKey, Model } from '../../config/types.js';
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

/** The model a requested name resolves to, or null. */
export function lookupModel(index: ModelIndex, requested: string): ResolvedModel | null {
  const model = index.exact.get(requested);
  if (model !== undefined) return { alias: requested, model, upstreamModel: model.modelName ?? requested };
  for (const { glob, model: wild } of index.wildcards) {
    const captured = glob.match(requested);
    if (captured === null) continue;
    const template = wild.modelName;
    const upstreamModel = template === null ? captured : template.replace('*', captured);
    return { alias: requested, model: wild, upstreamModel };
  }
  return null;
}

/** Whether the caller's allowed_models admits the name (no caller = auth off: everything). */
export function mayUse(index: ModelIndex, caller: ApiKey | null, name: string): boolean {
  return caller === null || anyGlob(index.allowed.get(caller) ?? [], name);
}

/** Aliases (not wildcard patterns) the caller may use, sorted. */
export function visibleModels(index: ModelIndex, caller: ApiKey | null): Model[] {
  const models = [...index.exact.values()].filter((m) => !m.wildcard);
  const visible = models.filter((m) => mayUse(index, caller, m.name));
  return visible.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
