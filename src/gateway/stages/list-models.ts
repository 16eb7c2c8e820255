// GET /v1/models and GET /healthz: answers the gateway makes from the runtime alone. The model
// list holds the aliases (not wildcard patterns) the caller's key may use, in OpenAI's list shape,
// `owned_by` = the model's provider.
import { answerJson } from '../relay/local.js';
import { httpResponse, type RequestContext } from '../routes/context.js';
import { visibleModels } from '../runtime/model-index.js';

export function listModels(ctx: RequestContext): void {
  const created = Math.floor(Date.now() / 1000);
  const data = visibleModels(ctx.runtime.models, ctx.caller).map((m) => ({
    id: m.name,
    object: 'model',
    created,
    owned_by: m.provider ?? 'aisix',
  }));
  answerJson(httpResponse(ctx), ctx.record, 200, JSON.stringify({ object: 'list', data }));
}

export function health(ctx: RequestContext): void {
  answerJson(httpResponse(ctx), ctx.record, 200, '{"status":"ok"}');
}
