// `models`: the aliases callers send. Works out each model's shape (direct, routing, ensemble,
// semantic), enforces what each shape refuses, checks wildcard names, and collects the
// references (provider keys, routing targets) that check-refs.ts resolves once all is read.
import { visitCollection, type EntryVisit } from './collections.js';
import type { Entry } from './field-spec.js';
import type { LoadContext } from './read-fields.js';
import { readEntry } from './read-fields.js';
import { rateLimitOf } from './read-rate-limit.js';
import { countStars } from './section-provider-keys.js';
import { COOLDOWN_DEFAULTS, MODEL_FIELDS, SHAPE_FORBIDS } from './spec/model.js';
import type { Cooldown, Model, Routing, SourcePosition } from './types.js';

type ModelEntry = Entry<typeof MODEL_FIELDS>;
type Shape = Model['kind'];

/** A name written somewhere that must match a defined resource. */
export interface Reference {
  readonly value: string;
  readonly pos: SourcePosition;
  readonly scope: string;
}

/** A `provider_key_id`, resolved to the provider key's display_name by check-refs.ts. */
export interface ProviderKeyIdRef extends Reference {
  /** index of the model in ModelsRead.models that wrote it */
  readonly model: number;
}

export interface ModelsRead {
  models: Model[];
  providerKeyRefs: Reference[];
  providerKeyIdRefs: ProviderKeyIdRef[];
  routingTargets: Reference[];
}

const SHAPE_KEYS = ['routing', 'ensemble', 'semantic'] as const;

export function readModels(node: unknown, base: LoadContext): ModelsRead {
  const out: ModelsRead = { models: [], providerKeyRefs: [], providerKeyIdRefs: [], routingTargets: [] };
  visitCollection(node, 'models', base, (visit) => out.models.push(readModel(visit, out, out.models.length)));
  return out;
}

/** `index` is where the returned model goes in `out.models` (provider_key_id refs point there). */
function readModel(visit: EntryVisit, out: ModelsRead, index: number): Model {
  const { ctx } = visit;
  const entry = readEntry(visit.node, MODEL_FIELDS, ctx);
  const v = entry.values;
  const kind = shapeOf(entry, visit);
  if (kind === 'direct') checkDirect(entry, visit, out, index);
  for (const target of v.routing?.values.targets ?? []) {
    const model = target.value.values.model;
    if (model !== undefined && !target.value.unresolved('model')) out.routingTargets.push({ value: model, pos: target.value.at('model'), scope: ctx.scope });
  }
  const direct = kind === 'direct';
  return {
    name: v.display_name ?? '',
    kind,
    provider: direct ? (v.provider ?? null) : null,
    modelName: direct ? (v.model_name ?? null) : null,
    // a provider_key_id is replaced by the key's display_name once all keys are read (check-refs.ts)
    providerKey: direct ? (v.provider_key ?? null) : null,
    wildcard: direct && countStars(v.display_name ?? '') === 1,
    timeoutMs: v.timeout ?? null,
    streamTimeoutMs: v.stream_timeout ?? null,
    cost: v.cost?.values.input_per_1k !== undefined && v.cost.values.output_per_1k !== undefined
      ? { inputPer1k: v.cost.values.input_per_1k, outputPer1k: v.cost.values.output_per_1k }
      : null,
    retries: direct ? (v.retries ?? null) : null,
    cooldown: direct ? cooldownOf(entry) : null,
    routing: kind === 'routing' ? routingOf(entry, visit) : null,
    rateLimit: rateLimitOf(v.rate_limit),
  };
}

/** The cooldown block as written over AISIX's defaults; null when absent or `enabled: false`. */
function cooldownOf(entry: ModelEntry): Cooldown | null {
  const c = entry.values.cooldown?.values;
  if (c === undefined || c.enabled === false) return null;
  return {
    defaultSeconds: c.default_seconds ?? COOLDOWN_DEFAULTS.default_seconds,
    maxSeconds: c.max_seconds ?? COOLDOWN_DEFAULTS.max_seconds,
    honorRetryAfter: c.honor_retry_after ?? COOLDOWN_DEFAULTS.honor_retry_after,
    triggerStatuses: c.trigger_statuses?.map((s) => s.value) ?? COOLDOWN_DEFAULTS.trigger_statuses,
    triggerOnTimeout: c.trigger_on_timeout ?? COOLDOWN_DEFAULTS.trigger_on_timeout,
    triggerOnTransport: c.trigger_on_transport ?? COOLDOWN_DEFAULTS.trigger_on_transport,
  };
}

/** A routing block; strategies the local proxy does not implement warn and behave as `failover`. */
function routingOf(entry: ModelEntry, { ctx }: EntryVisit): Routing {
  const routing = entry.values.routing;
  const r = routing?.values;
  const strategy = r?.strategy ?? 'failover';
  if (strategy !== 'failover' && strategy !== 'round_robin' && routing !== undefined) {
    ctx.sink.warning(routing.at('strategy'), ctx.scope, `routing strategy \`${strategy}\` is not implemented by the local proxy: it behaves as \`failover\` (AISIX runs ${strategy})`);
  }
  return {
    targets: (r?.targets ?? []).flatMap((t) => {
      const target = t.value.values;
      return target.model === undefined ? [] : [{ model: target.model, weight: target.weight ?? 1, priority: target.priority ?? 0 }];
    }),
    strategy: strategy === 'round_robin' ? 'round_robin' : 'failover',
    retries: r?.retries ?? null,
    retryOn429: r?.retry_on_429 ?? false,
    fallbackOnStatuses: r?.fallback_on_statuses?.map((s) => s.value) ?? [],
    maxFallbacks: r?.max_fallbacks ?? null,
    whenAllUnavailable: r?.when_all_unavailable ?? 'fail',
  };
}

/** The model's shape; a second shape key and the fields the shape refuses are errors. */
function shapeOf(entry: ModelEntry, { ctx }: EntryVisit): Shape {
  const shapes = SHAPE_KEYS.filter((key) => entry.has(key));
  const [shape = 'direct', second] = shapes;
  if (second !== undefined) {
    ctx.sink.error(entry.keyAt(second), ctx.scope, `a model has at most one of \`routing\`, \`ensemble\` and \`semantic\` — remove \`${second}\` or \`${shape}\``);
  }
  for (const key of SHAPE_FORBIDS[shape]) {
    if (entry.has(key)) ctx.sink.error(entry.keyAt(key), ctx.scope, `\`${key}\` is not accepted on ${shape === 'ensemble' ? 'an' : 'a'} ${shape} model`);
  }
  return shape;
}

function checkDirect(entry: ModelEntry, { ctx }: EntryVisit, out: ModelsRead, index: number): void {
  const v = entry.values;
  if (!entry.has('provider')) ctx.sink.error(entry.pos, ctx.scope, 'field `provider` is required (the vendor id, e.g. `openai`)');
  if (!entry.has('model_name')) ctx.sink.error(entry.pos, ctx.scope, 'field `model_name` is required (the upstream model id, e.g. `gpt-4o-mini`)');
  if (entry.has('provider_key') && entry.has('provider_key_id')) {
    ctx.sink.error(entry.keyAt('provider_key_id'), ctx.scope, '`provider_key` and `provider_key_id` are mutually exclusive — keep `provider_key`');
  } else if (!entry.has('provider_key') && !entry.has('provider_key_id')) {
    ctx.sink.error(entry.pos, ctx.scope, 'field `provider_key` is required (the display_name of one of the provider_keys)');
  }
  if (v.provider_key !== undefined && !entry.unresolved('provider_key')) out.providerKeyRefs.push({ value: v.provider_key, pos: entry.at('provider_key'), scope: ctx.scope });
  if (v.provider_key_id !== undefined && !entry.unresolved('provider_key_id')) {
    out.providerKeyIdRefs.push({ value: v.provider_key_id, pos: entry.at('provider_key_id'), scope: ctx.scope, model: index });
  }
  checkWildcard(entry, ctx);
}

function checkWildcard(entry: ModelEntry, ctx: EntryVisit['ctx']): void {
  const name = entry.values.display_name ?? '';
  const upstream = entry.values.model_name;
  const nameStars = countStars(name);
  if (nameStars > 1) ctx.sink.error(entry.at('display_name'), ctx.scope, `display_name ${JSON.stringify(name)} has ${nameStars} \`*\`; a wildcard model has exactly one`);
  if (upstream === undefined) return;
  const upstreamStars = countStars(upstream);
  if (upstreamStars > 1) {
    ctx.sink.error(entry.at('model_name'), ctx.scope, `model_name ${JSON.stringify(upstream)} has ${upstreamStars} \`*\`; it may contain one, replaced by the part the wildcard matched`);
  } else if (upstreamStars === 1 && nameStars === 0) {
    ctx.sink.warning(entry.at('model_name'), ctx.scope, 'model_name contains `*` but display_name has none, so the `*` is sent upstream literally');
  }
}

