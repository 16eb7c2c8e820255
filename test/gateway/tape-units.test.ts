// The parts of tapes and faults on their own (DESIGN.md §12): the key's RFC 8785 canonical JSON and
// ignored fields, the folder layout, the tape reader's checks, playback timing scaled by
// `--replay-speed` (a fake clock counts the waits, nothing is timed), the recorder's secret check,
// where SSE events end in a byte stream, and the seeded dice.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { FaultDice } from '../../src/gateway/faults/dice.js';
import { UpstreamAbort } from '../../src/gateway/stages/upstream-abort.js';
import type { BodyEvent } from '../../src/gateway/stages/upstream-reply.js';
import { aliasFolder, readTapeText, serializeTape, TAPE_FORMAT, type Tape } from '../../src/gateway/tapes/format.js';
import { canonicalKeyText, tapeKey, withoutIgnored } from '../../src/gateway/tapes/key.js';
import { replyFromTape, type Clock } from '../../src/gateway/tapes/replay.js';
import { findSecret } from '../../src/gateway/secrets/search.js';
import { EventEnds } from '../../src/sse/event-ends.js';

const NONE = { tapeIgnoreFields: [] as string[] };

describe('the key', () => {
  it('hashes the RFC 8785 canonical JSON of {method, route, alias, body}', () => {
    const parts = { method: 'POST', route: '/v1/responses', alias: 'gpt', body: { z: 1.0, a: [1e21, 0.000001, -0], 'é': '\u00e9', b: { y: true, x: null } } };
    const text = canonicalKeyText(parts, NONE);
    expect(text).toBe('{"alias":"gpt","body":{"a":[1e+21,0.000001,0],"b":{"x":null,"y":true},"z":1,"é":"é"},"method":"POST","route":"/v1/responses"}');
    expect(tapeKey(parts, NONE)).toBe(createHash('sha256').update(text).digest('hex'));
    // a lone surrogate has no canonical form: it is keyed as U+FFFD rather than failing the request
    expect(canonicalKeyText({ ...parts, body: JSON.parse('{"s":"a\\ud800b"}') as unknown }, NONE)).toContain('"s":"a\uFFFDb"');
    // keys sort by UTF-16 code units (RFC 8785 §3.2.3)
    expect(canonicalKeyText({ ...parts, body: { '\u{1F600}': 1, '\uFB33': 2 } }, NONE)).toContain('{"\u{1F600}":1,"\uFB33":2}');
  });

  it('drops the ignored fields (dotted paths into objects) and nothing else, without touching the body given', () => {
    const body = { user: 'u', metadata: { user_id: 'x', team: 't' }, input: [{ user: 'kept: inside an array' }], prompt_cache_key: 'k' };
    const fields = ['prompt_cache_key', 'user', 'metadata.user_id', 'client_metadata', 'no.such.path'];
    expect(withoutIgnored(structuredClone(body), fields)).toEqual({ metadata: { team: 't' }, input: [{ user: 'kept: inside an array' }] });
    const key = (b: unknown): string => tapeKey({ method: 'POST', route: '/v1/responses', alias: 'a', body: b }, { tapeIgnoreFields: fields });
    expect(key(body)).toBe(key({ ...body, user: 'other', prompt_cache_key: 'other', metadata: { user_id: 'y', team: 't' } }));
    expect(key(body)).not.toBe(key({ ...body, metadata: { user_id: 'x', team: 'other' } }));
    expect(body.user).toBe('u');
  });
});

describe('the tape file', () => {
  it('lives in a folder named by a slug of the alias and the start of its SHA-256', () => {
    const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 8);
    expect(aliasFolder('gpt-4o-prod')).toBe(`gpt-4o-prod-${hash('gpt-4o-prod')}`);
    expect(aliasFolder('openai/*')).toBe(`openai-${hash('openai/*')}`);
    expect(aliasFolder('Claude *')).toBe(`claude-${hash('Claude *')}`);
    expect(aliasFolder('***')).toBe(`alias-${hash('***')}`);
    expect(aliasFolder('openai/*')).not.toBe(aliasFolder('openai-*'));
  });

  const tape: Tape = {
    format: TAPE_FORMAT, key: 'a'.repeat(64), n: 2,
    request: { method: 'POST', route: '/v1/responses', alias: 'gpt', upstream_model: 'mock-echo', body: { model: 'mock-echo' } },
    response: { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: [{ t_ms: 0, text: 'data: 1\n\n' }, { t_ms: 40, base64: Buffer.from([0xe2, 0x82]).toString('base64') }] },
  };

  it('is pretty-printed JSON that reads back as itself', () => {
    const text = serializeTape(tape);
    expect(text).toContain('\n  "format": "aisix-tape/1",\n');
    expect(readTapeText(text, tape.key, 2)).toEqual({ ok: true, tape });
  });

  it('is refused when it is not one, saying why', () => {
    const reason = (value: unknown, n = 2): string => {
      const read = readTapeText(typeof value === 'string' ? value : JSON.stringify(value), tape.key, n);
      return read.ok ? 'ok' : read.reason;
    };
    expect(reason('{')).toBe('it is not JSON');
    expect(reason({ ...tape, format: 'aisix-tape/0' })).toBe('its `format` is not "aisix-tape/1"');
    expect(reason(tape, 3)).toContain('is recording 2 of key');
    expect(reason({ ...tape, response: { ...tape.response, body: 'x' } })).toBe('the response needs exactly one of `body`, `body_base64` and `chunks`');
    expect(reason({ ...tape, response: { ...tape.response, chunks: [{ t_ms: -1, text: '' }] } })).toBe('`response.chunks[0].t_ms` must be a number of ms');
    expect(reason({ ...tape, response: { status: 200, headers: { a: 1 }, body: '' } })).toBe('`response.headers` must map names to strings');
  });
});

/** A clock that only moves when the playback waits; it notes every wait. */
function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    wait: (ms, then) => {
      waits.push(ms);
      let cancelled = false;
      queueMicrotask(() => {
        if (cancelled) return;
        now += ms;
        then();
      });
      return () => void (cancelled = true);
    },
  };
}

function collect(tape: Tape, speed: number, clock: Clock, signal = new UpstreamAbort()): Promise<BodyEvent[]> {
  const reply = replyFromTape(tape, speed, signal, clock);
  const events: BodyEvent[] = [];
  return new Promise((resolve) => {
    reply.body.consume({
      data: (chunk) => void events.push({ kind: 'data', chunk }),
      end: () => resolve([...events, { kind: 'end' }]),
      error: (err) => resolve([...events, { kind: 'error', err }]),
    });
  });
}

describe('playback', () => {
  const stream = (offsets: number[]): Tape => ({
    format: TAPE_FORMAT, key: 'b'.repeat(64), n: 1,
    request: { method: 'POST', route: '/v1/responses', alias: 'gpt', upstream_model: null, body: null },
    response: { status: 200, headers: { 'content-type': 'text/event-stream' }, chunks: offsets.map((t, i) => ({ t_ms: t, text: `data: ${i}\n\n` })) },
  });

  it('waits each recorded offset divided by --replay-speed, and never at speed 0', async () => {
    const tape = stream([0, 100, 100, 400, 1000]);
    for (const [speed, waits] of [[1, [100, 300, 600]], [2, [50, 150, 300]], [0.5, [200, 600, 1200]], [0, []]] as const) {
      const clock = fakeClock();
      const events = await collect(tape, speed, clock);
      expect(clock.waits, `speed ${speed}`).toEqual(waits);
      expect(events.map((e) => (e.kind === 'data' ? e.chunk.toString() : e.kind))).toEqual([...tape.response.chunks!.map((c) => c.text), 'end']);
    }
  });

  it('gives JSON bodies and base64 chunks back byte for byte', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0x7d]);
    const tape: Tape = { ...stream([]), response: { status: 201, headers: {}, body_base64: bytes.toString('base64') } };
    const [first] = await collect(tape, 1, fakeClock());
    expect(first?.kind === 'data' && first.chunk.equals(bytes)).toBe(true);
  });

  it('stops with the abort reason when the attempt is aborted mid-playback', async () => {
    const tape = stream([0, 50_000]);
    const signal = new UpstreamAbort();
    const reply = replyFromTape(tape, 1, signal);
    const reason = new Error('deadline');
    const outcome = new Promise<string>((resolve) => reply.body.consume({ data: () => undefined, end: () => resolve('end'), error: (err) => resolve(err.message) }));
    signal.abort(reason);
    expect(await outcome).toBe('deadline');
  });
});

describe('the secret check', () => {
  const config = (): Config => {
    const result = loadConfigText(
      '_format_version: "1"\nprovider_keys:\n  - { display_name: up, provider: openai, api_key: sk-provider-secret-1, api_base: "http://x/v1" }\n  - { display_name: tiny, provider: openai, api_key: short, api_base: "http://x/v1" }\napi_keys:\n  - { display_name: dev, key_env: DEV, allowed_models: ["*"] }\n  - { display_name: ci, key_hash: ' + createHash('sha256').update('ci-caller-key-2').digest('hex') + ', allowed_models: ["*"] }\n',
      'x.yaml', { env: { DEV: 'dev-caller-key-1' }, missingEnv: 'error' });
    if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('; '));
    return result.config;
  };

  it('finds provider keys anywhere and caller keys as tokens (their hash), and nothing in clean text', () => {
    const c = config();
    expect(findSecret(['{"input":"xx sk-provider-secret-1xx"}'], c)).toBe('the key of provider key "up"');
    expect(findSecret(['my key is dev-caller-key-1.'], c)).toBe('the caller key of api key "dev"');
    expect(findSecret(['{"input":"ci-caller-key-2"}'], c)).toBe('the caller key of api key "ci"');
    expect(findSecret(['a short key is not searched for: short', 'dev-caller-key-10 is another token'], c)).toBeNull();
  });
});

describe('where SSE events end', () => {
  const ends = (chunks: string[]): number[][] => {
    const scanner = new EventEnds();
    return chunks.map((c) => scanner.feed(Buffer.from(c)));
  };

  it('after the blank line of each event, with any line endings, across chunks', () => {
    expect(ends(['event: a\ndata: 1\n\ndata: 2\n\n'])).toEqual([[18, 27]]);
    expect(ends(['data: 1\r\n\r\ndata: 2\r\r'])).toEqual([[11, 20]]);
    expect(ends(['data: 1\n', '\n', 'da', 'ta: 2\n\n'])).toEqual([[], [1], [], [7]]);
    expect(ends(['data: 1\r\n\r', '\ndata: 2\n\n'])).toEqual([[10], [10]]);
  });

  it('does not count comment-only blocks or stray blank lines', () => {
    expect(ends([': ping\n\n\n\ndata: x\n\n'])).toEqual([[19]]);
  });
});

describe('the seeded dice', () => {
  it('repeat a seed exactly, restart on a new seed, and fire rate 1 / 0 without drawing', () => {
    const a = new FaultDice(1);
    const b = new FaultDice(2);
    const draws = (d: FaultDice, seed: number | null): number[] => Array.from({ length: 5 }, () => d.draw(seed));
    const first = draws(a, 9);
    expect(draws(b, 9)).toEqual(first);
    expect(draws(a, 10)).toEqual(draws(new FaultDice(3), 10));
    expect(draws(new FaultDice(5), null)).toEqual(draws(new FaultDice(3), 5));
    const c = new FaultDice(0);
    expect([c.fires(1, 9), c.fires(0, 9)]).toEqual([true, false]);
    expect(c.draw(9)).toBe(first[0]);
    for (const x of first) expect(x >= 0 && x < 1).toBe(true);
  });
});
