// GET /v1/models: the aliases (not wildcard patterns) the caller's key may use, in OpenAI's list
// shape, `owned_by` = the model's provider.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticate } from './auth.js';
import type { RequestRecord } from './record.js';
import { visibleModels } from './resolve-model.js';
import type { Snapshot } from './snapshot.js';

export async function listModels(ctx: { req: IncomingMessage; res: ServerResponse; record: RequestRecord; snapshot: Snapshot }): Promise<void> {
  const caller = authenticate(ctx.req.headers, ctx.snapshot.keys, Date.now());
  ctx.record.caller = caller?.name ?? null;
  const created = Math.floor(Date.now() / 1000);
  const data = visibleModels(ctx.snapshot.models, caller).map((m) => ({
    id: m.name,
    object: 'model',
    created,
    owned_by: m.provider ?? 'aisix',
  }));
  const body = JSON.stringify({ object: 'list', data });
  ctx.record.status = 200;
  ctx.res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  ctx.res.end(body);
}
