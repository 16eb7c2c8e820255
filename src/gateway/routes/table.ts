// THE route table (DESIGN.md §8): every route the proxy answers is one row naming its protocol
// and its stages, in order. A route cannot skip a check by being written separately: admission
// (exposure ran before routing), auth, body rules, resolve, guard, dispatch and relay are the same
// functions for every row that needs them. Adding a route means adding a row here.
import { chatProtocol, responsesProtocol } from '../../protocols/index.js';
import { admit } from '../stages/admit.js';
import { bindReferencedIds, resolveStored } from '../stages/bind-ids.js';
import { readModelBody } from '../stages/body.js';
import { dispatch } from '../stages/dispatch.js';
import { guard } from '../stages/guard.js';
import { health, listModels } from '../stages/list-models.js';
import { rateLimit } from '../stages/rate-limit.js';
import { resolve } from '../stages/resolve.js';
import type { RouteRow } from './context.js';

const MODEL_STAGES = [admit, readModelBody, resolve, bindReferencedIds, guard, rateLimit, dispatch] as const;
const STORED_STAGES = [admit, resolveStored, dispatch] as const;

type Defaults = Omit<RouteRow, 'method' | 'path' | 'name' | 'upstream'>;

const modelRoute: Defaults = { protocol: responsesProtocol, body: 'json', auth: true, countsUsage: true, streams: true, providers: 'openai', stages: MODEL_STAGES };
const storedRoute: Defaults = { protocol: responsesProtocol, body: 'none', auth: true, countsUsage: false, streams: false, providers: 'openai', stages: STORED_STAGES };
const localRoute: Defaults = { protocol: null, body: 'none', auth: true, countsUsage: false, streams: false, providers: 'openai', stages: [admit] };

export const ROUTES: readonly RouteRow[] = [
  { ...modelRoute, method: 'POST', path: '/v1/responses', name: '/v1/responses', upstream: 'responses' },
  { ...modelRoute, method: 'POST', path: '/v1/responses/input_tokens', name: '/v1/responses/input_tokens', upstream: 'responses/input_tokens', streams: false },
  { ...modelRoute, method: 'POST', path: '/v1/chat/completions', name: '/v1/chat/completions', upstream: 'chat/completions', protocol: chatProtocol, providers: 'openai_compatible' },
  { ...storedRoute, method: 'GET', path: '/v1/responses/{id}', name: '/v1/responses/{id}', upstream: 'responses/{id}', streams: true },
  { ...storedRoute, method: 'DELETE', path: '/v1/responses/{id}', name: '/v1/responses/{id}', upstream: 'responses/{id}' },
  { ...storedRoute, method: 'POST', path: '/v1/responses/{id}/cancel', name: '/v1/responses/{id}/cancel', upstream: 'responses/{id}/cancel' },
  { ...storedRoute, method: 'GET', path: '/v1/responses/{id}/input_items', name: '/v1/responses/{id}/input_items', upstream: 'responses/{id}/input_items' },
  { ...localRoute, method: 'GET', path: '/v1/models', name: '/v1/models', upstream: null, stages: [admit, listModels] },
  { ...localRoute, method: 'GET', path: '/healthz', name: '/healthz', upstream: null, auth: false, stages: [admit, health] },
];

for (const row of ROUTES) {
  if (row.stages[0] !== admit) throw new Error(`route ${row.method} ${row.path}: the first stage must be admit`);
}
