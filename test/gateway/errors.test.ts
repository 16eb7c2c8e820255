// DESIGN.md §3/§4 through real sockets: every row of the error table (status, exact envelope,
// headers, what the upstream received) and the matching request.finished, plus the check order,
// request ids, header forwarding rules and /healthz.
import { request } from 'node:http';
import { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestStarted } from '../../src/events/types.js';
import { expectErrorResponse } from '../helpers/envelope.js';
import { finishedEventsFor, finishedFor, onlyFinishedFor, requestIdOf } from '../helpers/finished.js';
import { closedPort, eventually, jsonOf, postResponses, rawRequest, startFixedUpstream, type RawResponse } from '../helpers/http.js';
import {
  apiKey, CALLER_KEY, configYaml, DEFAULT_API_KEYS, DEFAULT_MODELS, model, providerKey, startStack, UPSTREAM_KEY, type Stack, type StackOptions,
} from '../helpers/stack.js';

const LIMIT = 2048;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const LONG_TEXT = `${'x'.repeat(1500)}${'y'.repeat(1500)}`;

let stack: Stack;
let deadPort: number;
let textUpstream: Awaited<ReturnType<typeof startFixedUpstream>>;
let detailUpstream: Awaited<ReturnType<typeof startFixedUpstream>>;

/** The shared stack's file: the default models plus one per error path, and callers of every state. */
function sharedOptions(): StackOptions {
  const minute = 60_000;
  return {
    yaml: configYaml({
      proxy: { request_body_limit_bytes: LIMIT },
      provider_keys: [
        providerKey('mock'),
        providerKey('fwd', '${MOCK_URL}/v1', { request: { forward_client_headers: ['openai-organization', 'x-trace-*'] } }),
        providerKey('fwd-all', '${MOCK_URL}/v1', { request: { forward_client_headers: ['*'] } }),
        providerKey('anthropic', '${MOCK_URL}/v1', { provider: 'anthropic' }),
        providerKey('dead', '${DEAD_URL}/v1'),
        providerKey('text', '${TEXT_URL}/v1'),
        providerKey('detail', '${DETAIL_URL}/v1'),
      ],
      models: [
        ...DEFAULT_MODELS,
        model('fwd', 'mock-echo', { provider_key: 'fwd' }),
        model('fwd-all', 'mock-echo', { provider_key: 'fwd-all' }),
        model('claude', 'claude-sonnet', { provider: 'anthropic', provider_key: 'anthropic' }),
        { display_name: 'panel', ensemble: { panel: [{ model: 'gpt' }] } },
        model('dead', 'mock-echo', { provider_key: 'dead' }),
        model('text-400', 'anything', { provider_key: 'text' }),
        model('detail-404', 'anything', { provider_key: 'detail' }),
        model('hang-fast', 'mock-hang', { timeout: 300 }),
        model('stall-fast', 'mock-stall', { timeout: 300 }),
      ],
      api_keys: [
        ...DEFAULT_API_KEYS,
        apiKey('limited', 'KEY_LIMITED', { allowed_models: ['slow', 'gpt-*'] }),
        apiKey('expired', 'KEY_EXPIRED', { expires_at: '${EXPIRED_AT}' }),
        apiKey('later', 'KEY_LATER', { expires_at: '${LATER_AT}' }),
        apiKey('disabled', 'KEY_DISABLED', { disabled: true }),
      ],
    }),
    env: {
      DEAD_URL: `http://127.0.0.1:${deadPort}`,
      TEXT_URL: textUpstream.url,
      DETAIL_URL: detailUpstream.url,
      KEY_LIMITED: 'sk-limited',
      KEY_EXPIRED: 'sk-expired',
      KEY_LATER: 'sk-later',
      KEY_DISABLED: 'sk-disabled',
      EXPIRED_AT: new Date(Date.now() - minute).toISOString(),
      LATER_AT: new Date(Date.now() + 60 * minute).toISOString(),
    },
  };
}

beforeAll(async () => {
  deadPort = await closedPort();
  textUpstream = await startFixedUpstream(400, 'text/plain', LONG_TEXT);
  detailUpstream = await startFixedUpstream(404, 'application/json', '{"detail":"no such thing"}');
  stack = await startStack(sharedOptions());
});
afterAll(async () => {
  await stack.close();
  await textUpstream.close();
  await detailUpstream.close();
});

const bearer = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });
const hello = { model: 'gpt', input: 'hello' };

/**
 * Runs `send` and checks the mock received nothing because of it: once the request's own
 * request.finished is out, the gateway is done with it, so any upstream call it made has landed.
 */
async function withoutUpstream(send: () => Promise<RawResponse>): Promise<RawResponse> {
  const before = stack.mock.requests().length;
  const result = await send();
  await finishedFor(stack, requestIdOf(result));
  expect(stack.mock.requests().length).toBe(before);
  return result;
}

/** Runs `send` and returns what the mock received because of it. */
async function upstreamOf<T>(send: () => Promise<T>): Promise<{ result: T; received: ReturnType<Stack['mock']['requests']> }> {
  const before = stack.mock.requests().length;
  const result = await send();
  return { result, received: stack.mock.requests().slice(before) };
}

describe('authentication (401 invalid_api_key)', () => {
  const MALFORMED = { message: 'missing or malformed Authorization header', type: 'invalid_api_key' };

  it('answers 401 when neither Authorization nor x-api-key is sent', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, hello, {}));
    const event = await expectErrorResponse(stack, res, 401, MALFORMED, 'unauthorized');
    expect(event.caller).toBeNull();
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it.each([
    ['Basic x', 'Basic c2stY2FsbGVyLWRldg=='],
    ['an empty Bearer token', 'Bearer '],
    ['a blank Bearer token', 'Bearer    '],
    ['a raw token', CALLER_KEY],
    ['a lower-case scheme', `bearer ${CALLER_KEY}`],
  ])('rejects %s as malformed, even with a valid x-api-key beside it', async (_label, authorization) => {
    const res = await withoutUpstream(() => postResponses(stack.url, hello, { authorization, 'x-api-key': CALLER_KEY }));
    await expectErrorResponse(stack, res, 401, MALFORMED, 'unauthorized');
  });

  it('answers "invalid API key" for a well-formed key it does not know', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, hello, bearer('sk-not-a-real-key')));
    await expectErrorResponse(stack, res, 401, { message: 'invalid API key', type: 'invalid_api_key' }, 'unauthorized');
    expect(res.body).not.toContain('sk-not-a-real-key');
  });

  it('uses x-api-key when Authorization is absent', async () => {
    const res = await postResponses(stack.url, hello, { 'x-api-key': CALLER_KEY });
    expect(res.status).toBe(200);
    expect((await onlyFinishedFor(stack, res)).caller).toBe('dev');
  });

  it('ignores x-api-key when Authorization carries an unknown key', async () => {
    const res = await postResponses(stack.url, hello, { ...bearer('sk-unknown'), 'x-api-key': CALLER_KEY });
    await expectErrorResponse(stack, res, 401, { message: 'invalid API key', type: 'invalid_api_key' }, 'unauthorized');
  });

  it('rejects an empty x-api-key', async () => {
    const res = await postResponses(stack.url, hello, { 'x-api-key': '  ' });
    await expectErrorResponse(stack, res, 401, MALFORMED, 'unauthorized');
  });

  it('answers api_key_expired for a key past expires_at, and serves one not yet expired', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, hello, bearer('sk-expired')));
    await expectErrorResponse(stack, res, 401, { message: 'API key has expired', type: 'invalid_api_key', code: 'api_key_expired' }, 'unauthorized');
    expect((await postResponses(stack.url, hello, bearer('sk-later'))).status).toBe(200);
  });

  it('answers api_key_disabled for a disabled key', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, hello, bearer('sk-disabled')));
    await expectErrorResponse(stack, res, 401, { message: 'API key has been disabled', type: 'invalid_api_key', code: 'api_key_disabled' }, 'unauthorized');
  });

  it('surfaces as an AuthenticationError in the official SDK', async () => {
    const err = await stack.client('sk-wrong').responses.create({ model: 'gpt', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(401);
    expect((err as APIError).type).toBe('invalid_api_key');
  });
});

describe('model resolution and permissions', () => {
  it('answers 404 model_not_found for an unknown alias', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, { model: 'no-such-alias', input: 'x' }));
    await expectErrorResponse(stack, res, 404, { message: 'model "no-such-alias" not found', type: 'model_not_found' }, 'not_found');
  });

  it('answers 404, not 403, for an unknown alias the key could not use anyway', async () => {
    const res = await postResponses(stack.url, { model: 'gpt-unknown', input: 'x' }, bearer('sk-limited'));
    await expectErrorResponse(stack, res, 404, { message: 'model "gpt-unknown" not found', type: 'model_not_found' }, 'not_found');
  });

  it('answers 403 permission_denied for an alias outside allowed_models', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, hello, bearer('sk-limited')));
    const event = await expectErrorResponse(
      stack, res, 403, { message: 'API key is not allowed to use model "gpt"', type: 'permission_denied' }, 'forbidden',
    );
    expect(event).toMatchObject({ caller: 'limited', alias: 'gpt' });
  });

  it('serves an alias inside allowed_models', async () => {
    const res = await postResponses(stack.url, { model: 'slow', input: 'ok' }, bearer('sk-limited'));
    expect(res.status).toBe(200);
  });

  it('checks allowed_models before the provider rule and the routing rule', async () => {
    for (const alias of ['claude', 'panel']) {
      const res = await postResponses(stack.url, { model: alias, input: 'x' }, bearer('sk-limited'));
      await expectErrorResponse(stack, res, 403, { message: `API key is not allowed to use model "${alias}"`, type: 'permission_denied' }, 'forbidden');
    }
  });

  it('refuses a non-OpenAI provider on /v1/responses with 400 before any upstream contact', async () => {
    const seen = stack.mock.connectionsSeen();
    const res = await withoutUpstream(() => postResponses(stack.url, { model: 'claude', input: 'x', stream: true }));
    const event = await expectErrorResponse(
      stack, res, 400,
      { message: expect.stringMatching(/"claude"[\s\S]*anthropic[\s\S]*\/v1\/chat\/completions/), type: 'invalid_request_error' },
      'provider_rejected',
    );
    expect(event).toMatchObject({ alias: 'claude', provider: 'anthropic', upstream_request_id: null, upstream_ms: null });
    expect(stack.mock.connectionsSeen()).toBe(seen);
  });

  it('refuses an ensemble model with 400 saying the local proxy does not serve such models', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, { model: 'panel', input: 'x' }));
    await expectErrorResponse(
      stack, res, 400,
      { message: expect.stringMatching(/"panel" is an ensemble model[\s\S]*does not serve such models/), type: 'invalid_request_error' },
      'provider_rejected',
    );
  });
});

describe('request bodies (400 invalid_request_error)', () => {
  it('answers 400 for malformed JSON', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, '{"model": "gpt", "input": '));
    await expectErrorResponse(stack, res, 400, { message: 'request payload is invalid: invalid JSON request body', type: 'invalid_request_error' }, 'bad_request');
  });

  it('answers 400 for an empty body', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, ''));
    await expectErrorResponse(stack, res, 400, { message: 'request payload is invalid: invalid JSON request body', type: 'invalid_request_error' }, 'bad_request');
  });

  it.each([['an array', '[{"model":"gpt"}]'], ['a string', '"gpt"'], ['null', 'null'], ['a number', '42']])(
    'answers 400 for JSON that is %s, not an object',
    async (_label, body) => {
      const res = await withoutUpstream(() => postResponses(stack.url, body));
      await expectErrorResponse(stack, res, 400, { message: expect.stringMatching(/^request payload is invalid: /), type: 'invalid_request_error' }, 'bad_request');
    },
  );

  it('answers 400 when `model` is missing', async () => {
    const res = await withoutUpstream(() => postResponses(stack.url, { input: 'x' }));
    await expectErrorResponse(
      stack, res, 400, { message: 'request payload is invalid: `model` field missing', type: 'invalid_request_error', param: 'model' }, 'bad_request',
    );
  });

  it.each([['a number', 5], ['an object', { name: 'gpt' }], ['an array', ['gpt']]])('answers 400 when `model` is %s', async (_label, value) => {
    const res = await withoutUpstream(() => postResponses(stack.url, { model: value, input: 'x' }));
    await expectErrorResponse(
      stack, res, 400, { message: expect.stringMatching(/^request payload is invalid: `model`/), type: 'invalid_request_error', param: 'model' }, 'bad_request',
    );
  });

  it('authenticates before parsing: a bad body without credentials is a 401', async () => {
    const res = await postResponses(stack.url, 'not json', {});
    await expectErrorResponse(stack, res, 401, { message: 'missing or malformed Authorization header', type: 'invalid_api_key' }, 'unauthorized');
  });
});

describe('body size limit (413 body_too_large)', () => {
  const TOO_LARGE = { message: `request body exceeds ${LIMIT}-byte limit`, type: 'invalid_request_error', code: 'body_too_large' };

  /** A JSON body of exactly `size` bytes. */
  function bodyOf(size: number): string {
    const base = JSON.stringify({ model: 'gpt', input: 'pad', metadata: { pad: '' } });
    return base.replace('"pad":""', `"pad":"${'p'.repeat(size - base.length)}"`);
  }

  it('answers 413 on a declared Content-Length over the limit, before authentication', async () => {
    const res = await withoutUpstream(() =>
      rawRequest(stack.url, { path: '/v1/responses', headers: { 'content-type': 'application/json' }, body: bodyOf(LIMIT * 2) }),
    );
    const event = await expectErrorResponse(stack, res, 413, TOO_LARGE, 'too_large');
    expect(event.caller).toBeNull();
  });

  it('answers 413 on a chunked body (no Content-Length) once it passes the limit', async () => {
    const body = bodyOf(LIMIT + 600);
    const third = Math.ceil(body.length / 3);
    const res = await withoutUpstream(() =>
      rawRequest(stack.url, {
        path: '/v1/responses',
        headers: { ...bearer(CALLER_KEY), 'content-type': 'application/json' },
        chunks: [body.slice(0, third), body.slice(third, 2 * third), body.slice(2 * third)],
      }),
    );
    await expectErrorResponse(stack, res, 413, TOO_LARGE, 'too_large');
  });

  it('accepts a body of exactly the limit and rejects one byte more', async () => {
    const exact = bodyOf(LIMIT);
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    expect((await postResponses(stack.url, exact)).status).toBe(200);
    const over = await postResponses(stack.url, bodyOf(LIMIT + 1));
    await expectErrorResponse(stack, over, 413, TOO_LARGE, 'too_large');
  });

  it('accepts a chunked body under the limit', async () => {
    const body = JSON.stringify(hello);
    const res = await rawRequest(stack.url, {
      path: '/v1/responses',
      headers: { ...bearer(CALLER_KEY), 'content-type': 'application/json' },
      chunks: [body.slice(0, 5), body.slice(5)],
    });
    expect(res.status).toBe(200);
  });
});

describe('upstream errors', () => {
  it('passes an upstream 429 through with retry-after and the upstream error object', async () => {
    const direct = await rawRequest(stack.mock.url, {
      path: '/v1/responses', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'mock-error-429', input: 'x' }),
    });
    const res = await postResponses(stack.url, { model: 'error-429', input: 'x' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    const upstreamError = (jsonOf(direct) as { error: Record<string, unknown> }).error;
    expect(jsonOf(res)).toStrictEqual({ error: upstreamError });
    const event = await onlyFinishedFor(stack, res);
    expect(event).toMatchObject({ status: 429, outcome: 'upstream_error', error_type: upstreamError.type, error_code: 'rate_limit_exceeded' });
  });

  it('surfaces the upstream 429 as a RateLimitError with retry-after in the official SDK', async () => {
    const err = await stack.client().responses.create({ model: 'error-429', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    const api = err as APIError;
    expect(api.status).toBe(429);
    expect(api.code).toBe('rate_limit_exceeded');
    expect(api.headers?.get('retry-after')).toBe('7');
  });

  it('keeps an upstream 400 with its type, code and param', async () => {
    const res = await postResponses(stack.url, { model: 'error-400', input: 'x' });
    expect(res.status).toBe(400);
    const { error } = jsonOf(res) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'invalid_request_error', param: 'input', code: 'invalid_value' });
    expect(error.message).toMatch(/^Invalid value for 'input'/);
    expect(await onlyFinishedFor(stack, res)).toMatchObject({ status: 400, outcome: 'upstream_error', error_type: 'invalid_request_error', error_code: 'invalid_value' });
  });

  it('keeps the upstream status and error for a streaming request too', async () => {
    const res = await postResponses(stack.url, { model: 'error-400', input: 'x', stream: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect((jsonOf(res) as { error: { code: string } }).error.code).toBe('invalid_value');
  });

  it('wraps a plain-text upstream 400 as {message, type: upstream_error}', async () => {
    const res = await postResponses(stack.url, { model: 'error-text', input: 'x' });
    await expectErrorResponse(
      stack, res, 400, { message: 'Bad Request: mock-error-text answers in plain text, not JSON.\n', type: 'upstream_error' }, 'upstream_error',
    );
  });

  it('keeps only the first 1 KB of a long non-JSON upstream body', async () => {
    const res = await postResponses(stack.url, { model: 'text-400', input: 'x' });
    await expectErrorResponse(stack, res, 400, { message: LONG_TEXT.slice(0, 1024), type: 'upstream_error' }, 'upstream_error');
  });

  it('wraps a JSON upstream 4xx body that is not an OpenAI envelope', async () => {
    const res = await postResponses(stack.url, { model: 'detail-404', input: 'x' });
    await expectErrorResponse(stack, res, 404, { message: '{"detail":"no such thing"}', type: 'upstream_error' }, 'upstream_error');
  });

  it('turns an upstream 500 into 502 upstream_error with code upstream_500', async () => {
    const res = await postResponses(stack.url, { model: 'error-500', input: 'x' });
    await expectErrorResponse(
      stack, res, 502,
      { message: 'upstream returned 500: The server had an error while processing your request. Sorry about that!', type: 'upstream_error', code: 'upstream_500' },
      'upstream_error',
    );
  });

  it('answers 502 connection_failed naming the host when the upstream is unreachable', async () => {
    const res = await postResponses(stack.url, { model: 'dead', input: 'x' });
    const event = await expectErrorResponse(
      stack, res, 502, { message: expect.stringContaining(`127.0.0.1:${deadPort}`), type: 'upstream_error', code: 'connection_failed' }, 'upstream_error',
    );
    expect(event.alias).toBe('dead');
  });

  it.each([['resets the connection', 'reset'], ['closes the socket before any header', 'cut']])(
    'answers 502 connection_failed when the upstream %s',
    async (_label, alias) => {
      const res = await postResponses(stack.url, { model: alias, input: 'x' });
      await expectErrorResponse(
        stack, res, 502, { message: expect.stringContaining(`127.0.0.1:${stack.mock.port}`), type: 'upstream_error', code: 'connection_failed' }, 'upstream_error',
      );
    },
  );

  it.each([
    ['never answers (JSON)', 'hang-fast', false],
    ['never answers (stream)', 'hang-fast', true],
    ['stops half-way through its JSON body', 'stall-fast', false],
  ])('answers 504 after the model timeout when the upstream %s', async (_label, alias, stream) => {
    // The 300 ms deadline must fire by itself, not on some coarse timer tick: a request to `slow`
    // (the mock holds its answer 500 ms) sent once the timed request has reached the upstream —
    // so after its deadline was armed — must finish after it.
    const id = `timeout-${alias}-${String(stream)}`;
    const started = Date.now();
    const timedOut = postResponses(stack.url, { model: alias, input: 'x', stream }, { ...bearer(CALLER_KEY), 'x-aisix-request-id': id });
    expect(await eventually(() => stack.mock.requests().some((r) => r.headers['x-aisix-request-id'] === id))).toBe(true);
    const reference = postResponses(stack.url, { model: 'slow', input: 'x' }, { ...bearer(CALLER_KEY), 'x-aisix-request-id': `${id}-reference` });
    const res = await timedOut;
    const elapsed = Date.now() - started;
    await expectErrorResponse(stack, res, 504, { message: 'upstream request timed out after 300 ms', type: 'timeout' }, 'timeout');
    expect(elapsed).toBeGreaterThanOrEqual(280); // not before the deadline
    expect((await reference).status).toBe(200);
    await finishedFor(stack, `${id}-reference`);
    const order = stack.events.map((e) => e.id).filter((e) => e === id || e === `${id}-reference`);
    expect(order).toEqual([id, `${id}-reference`]);
  });
});

describe('routes, health and request ids', () => {
  it.each([
    ['GET', '/v1/nope'],
    ['POST', '/v1/audio/speech'],
    ['GET', '/v1/responses'],
    ['POST', '/healthz'],
    ['POST', '/v1/responses/extra/segments/here'],
  ])('answers 404 unknown_route for %s %s, before authentication', async (method, path) => {
    const res = await withoutUpstream(() => rawRequest(stack.url, { method, path, body: '' }));
    const event = await expectErrorResponse(
      stack, res, 404, { message: expect.stringContaining(path), type: 'invalid_request_error', code: 'unknown_route' }, 'not_found',
    );
    expect(event.method).toBe(method);
  });

  it('answers GET /healthz with {"status":"ok"} and no auth', async () => {
    const res = await rawRequest(stack.url, { method: 'GET', path: '/healthz' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(jsonOf(res)).toStrictEqual({ status: 'ok' });
    expect(await onlyFinishedFor(stack, res)).toMatchObject({ status: 200, outcome: 'ok', route: '/healthz' });
  });

  it('stamps a fresh UUID x-aisix-request-id on every kind of response', async () => {
    const responses = await Promise.all([
      rawRequest(stack.url, { method: 'GET', path: '/healthz' }),
      rawRequest(stack.url, { method: 'GET', path: '/nope' }),
      postResponses(stack.url, hello, {}),
      postResponses(stack.url, hello),
      postResponses(stack.url, { model: 'error-500', input: 'x' }),
      postResponses(stack.url, { model: 'gpt', input: 'x', stream: true }),
      rawRequest(stack.url, { path: '/v1/responses', body: 'x'.repeat(LIMIT + 1) }),
    ]);
    const ids = responses.map(requestIdOf);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('honours a caller-sent id: on the response, upstream and in the event', async () => {
    const id = 'trace-ABC_123.~!';
    const { result: res, received } = await upstreamOf(() => postResponses(stack.url, hello, { ...bearer(CALLER_KEY), 'x-aisix-request-id': id }));
    expect(res.headers['x-aisix-request-id']).toBe(id);
    expect(received.map((r) => r.headers['x-aisix-request-id'])).toEqual([id]);
    expect((await finishedFor(stack, id)).status).toBe(200);
  });

  it('honours a caller-sent id on error responses too', async () => {
    const res = await postResponses(stack.url, hello, { 'x-aisix-request-id': 'err-trace-1' });
    expect(res.status).toBe(401);
    expect(res.headers['x-aisix-request-id']).toBe('err-trace-1');
  });

  it('accepts a 256-byte id and replaces a 257-byte one', async () => {
    const ok = await postResponses(stack.url, hello, { ...bearer(CALLER_KEY), 'x-aisix-request-id': 'a'.repeat(256) });
    expect(ok.headers['x-aisix-request-id']).toBe('a'.repeat(256));
    const long = await postResponses(stack.url, hello, { ...bearer(CALLER_KEY), 'x-aisix-request-id': 'a'.repeat(257) });
    expect(long.headers['x-aisix-request-id']).toMatch(UUID_V4);
  });

  it.each([['a space', 'has space'], ['a tab', 'tab\there'], ['a non-ASCII byte', 'caf\u00e9']])(
    'replaces a caller id containing %s, upstream as well',
    async (_label, bad) => {
      const { result: res, received } = await upstreamOf(() => postResponses(stack.url, hello, { ...bearer(CALLER_KEY), 'x-aisix-request-id': bad }));
      const id = requestIdOf(res);
      expect(id).toMatch(UUID_V4);
      expect(received.map((r) => r.headers['x-aisix-request-id'])).toEqual([id]);
    },
  );
});

describe('upstream request headers', () => {
  const HOSTILE = {
    'x-api-key': CALLER_KEY,
    cookie: 'session=caller-cookie',
    'proxy-authorization': 'Basic Y2FsbGVy',
    'api-key': 'caller-azure-key',
    'x-goog-api-key': 'caller-google-key',
    'x-aisix-debug': 'on',
    'x-aisix-request-id': 'caller-id-1',
    'x-stainless-lang': 'js',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    tracestate: 'vendor=1',
    accept: 'text/plain',
    'content-type': 'application/json; charset=caller',
    'x-custom': 'yes',
  };

  it('sends the provider key, the request id and the JSON type, and nothing of the caller by default', async () => {
    const { result: res, received } = await upstreamOf(() => postResponses(stack.url, hello, { ...bearer(CALLER_KEY), ...HOSTILE, 'openai-organization': 'org-1' }));
    expect(res.status).toBe(200);
    const [sent] = received;
    expect(sent?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['x-aisix-request-id']).toBe('caller-id-1');
    const names = Object.keys(sent?.headers ?? {}).sort();
    const transport = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);
    expect(names.filter((n) => !transport.has(n))).toEqual(['authorization', 'content-type', 'x-aisix-request-id']);
  });

  it('never forwards caller credentials, SDK telemetry, tracing or x-aisix-* headers, even with a "*" allowlist', async () => {
    const { received } = await upstreamOf(() => postResponses(stack.url, { ...hello, model: 'fwd-all' }, { ...bearer(CALLER_KEY), ...HOSTILE }));
    const [sent] = received;
    expect(sent?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent?.headers['x-custom']).toBe('yes');
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['x-aisix-request-id']).toBe('caller-id-1');
    for (const name of ['x-api-key', 'cookie', 'proxy-authorization', 'api-key', 'x-goog-api-key', 'x-aisix-debug', 'x-stainless-lang', 'traceparent', 'tracestate']) {
      expect(sent?.headers, name).not.toHaveProperty(name);
    }
    expect(sent?.headers.accept).not.toBe('text/plain');
    const wire = JSON.stringify(sent?.headers);
    for (const secret of [CALLER_KEY, 'caller-cookie', 'caller-azure-key', 'caller-google-key', 'Y2FsbGVy']) expect(wire).not.toContain(secret);
  });

  it('forwards exactly the headers on the forward_client_headers allowlist', async () => {
    const { received } = await upstreamOf(() =>
      postResponses(stack.url, { ...hello, model: 'fwd' }, {
        ...bearer(CALLER_KEY), 'openai-organization': 'org-1', 'x-trace-id': 't-1', 'x-trace': 'no-dash', 'openai-project': 'p-1', 'x-aisix-trace-x': 'no',
      }),
    );
    const [sent] = received;
    expect(sent?.headers['openai-organization']).toBe('org-1');
    expect(sent?.headers['x-trace-id']).toBe('t-1');
    expect(sent?.headers).not.toHaveProperty('x-trace');
    expect(sent?.headers).not.toHaveProperty('openai-project');
    expect(sent?.headers).not.toHaveProperty('x-aisix-trace-x');
  });

  it('drops the official SDK\'s own headers unless allowlisted', async () => {
    const { received } = await upstreamOf(() => stack.client().responses.create({ model: 'gpt', input: 'sdk' }));
    const [sent] = received;
    expect(Object.keys(sent?.headers ?? {}).filter((n) => n.startsWith('x-stainless') || n === 'user-agent' && sent?.headers[n]?.includes('OpenAI'))).toEqual([]);
    expect(JSON.stringify(sent?.headers)).not.toContain(CALLER_KEY);
    expect((sent?.json as { model: string }).model).toBe('mock-echo');
  });
});

describe('request path', () => {
  it.each([
    ['a bare host', '', '/v1/responses'],
    ['a /v1 base', '/v1', '/v1/responses'],
    ['a trailing slash', '/v1/', '/v1/responses'],
    ['a pasted endpoint suffix', '/v1/responses', '/v1/responses'],
    ['another path prefix', '/openai/v2', '/openai/v2/responses'],
  ])('builds the upstream URL from an api_base with %s', async (_label, suffix, expected) => {
    const own = await startStack({ yaml: configYaml({ provider_keys: [providerKey('mock', `\${MOCK_URL}${suffix}`)] }) });
    try {
      await postResponses(own.url, hello);
      expect(own.mock.requests().map((r) => r.path)).toEqual([expected]);
    } finally {
      await own.close();
    }
  });

  it('takes a body of any size when request_body_limit_bytes is 0', async () => {
    const own = await startStack({ yaml: configYaml({ proxy: { request_body_limit_bytes: 0 } }) });
    try {
      const res = await postResponses(own.url, { model: 'gpt', input: 'x', metadata: { pad: 'p'.repeat(200_000) } });
      expect(res.status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('ends each of many concurrent requests, of every kind, in exactly one request.finished', async () => {
    const bodies: [Record<string, unknown>, Record<string, string>?][] = [
      [hello], [{ ...hello, stream: true }], [hello, {}], [{ model: 'nope', input: 'x' }], [{ model: 'error-500', input: 'x' }],
      [{ model: 'cut', input: 'x', stream: true }], [{ model: 'claude', input: 'x' }], [{ model: 'error-429', input: 'x' }],
    ];
    const own = await startStack(sharedOptions());
    try {
      const responses = await Promise.all(Array.from({ length: 40 }, (_v, i) => {
        const [body, headers] = bodies[i % bodies.length]!;
        return postResponses(own.url, body, headers);
      }));
      const ids = responses.map(requestIdOf);
      await Promise.all(ids.map((id) => finishedFor(own, id)));
      await own.close(); // every request is over and every socket closed: nothing is left to emit
      for (const id of ids) expect(finishedEventsFor(own, id)).toHaveLength(1);
      expect(own.events).toHaveLength(ids.length);
      expect(responses.map((r) => r.status).slice(0, 8)).toEqual([200, 200, 401, 404, 502, 200, 400, 429]);
    } finally {
      await own.close();
    }
  });

  describe('a client that does not send its whole request within request_timeout_ms', () => {
    /** Sends the headers and part of the declared body, then waits for the server's answer. */
    async function slowLoris(own: Stack, id: string): Promise<{ res: RawResponse; elapsed: number }> {
      const started = Date.now();
      return new Promise((resolve, reject) => {
        const req = request(`${own.url}/v1/responses`, {
          method: 'POST', agent: false,
          headers: { ...bearer(CALLER_KEY), 'content-type': 'application/json', 'content-length': '100', 'x-aisix-request-id': id },
        }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({
            res: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') },
            elapsed: Date.now() - started,
          }));
        });
        req.on('error', reject);
        req.write('{"model":"gpt","input":');
      });
    }

    it('is answered 408 with the envelope soon after the limit (not at node\'s 30 s check interval), in one request.finished', async () => {
      const own = await startStack({ yaml: configYaml({ proxy: { request_timeout_ms: 300 } }) });
      try {
        const loris = slowLoris(own, 'slow-loris-1');
        // "soon after the limit": a `slow` request (the mock holds it 500 ms) sent once the slow
        // client's request has started must finish after the 408, not 30 s before it
        await own.until(() => own.all.some((e) => e.name === 'request.started' && (e.payload as RequestStarted).id === 'slow-loris-1'), 'the slow request started');
        const reference = postResponses(own.url, { model: 'slow', input: 'x' }, { ...bearer(CALLER_KEY), 'x-aisix-request-id': 'slow-loris-reference' });
        const { res, elapsed } = await loris;
        expect(elapsed).toBeGreaterThanOrEqual(290); // not before the limit
        expect(res.headers['x-aisix-request-id']).toBe('slow-loris-1');
        await expectErrorResponse(
          own, res, 408, { message: expect.stringContaining('300 ms'), type: 'invalid_request_error', code: 'request_timeout' }, 'bad_request',
        );
        expect((await reference).status).toBe(200);
        await finishedFor(own, 'slow-loris-reference');
        expect(own.events.map((e) => e.id)).toEqual(['slow-loris-1', 'slow-loris-reference']);
      } finally {
        await own.close();
      }
    });
  });

  it('serves without auth when no api_keys are configured', async () => {
    const own = await startStack({ yaml: configYaml({ api_keys: [] }) });
    try {
      const res = await postResponses(own.url, hello, {});
      expect(res.status).toBe(200);
      expect(await onlyFinishedFor(own, res)).toMatchObject({ caller: null, outcome: 'ok' });
      expect(own.mock.requests()[0]?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    } finally {
      await own.close();
    }
  });
});
