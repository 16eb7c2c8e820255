// The request body scanner and the body type built on it (src/gateway/body/): top-level member
// spans wherever `model` sits, escaped keys and values, Unicode, whitespace; the grammar errors a
// full JSON.parse would refuse; duplicate keys (top level always, anywhere once guardrails parse);
// and the outgoing bytes: the caller's, with only the written top-level values spliced in (large ones as slices).
import { describe, expect, it } from 'vitest';
import { countKeys, firstDuplicateKey } from '../../src/gateway/body/duplicates.js';
import { scanTopLevel, ScanError } from '../../src/gateway/body/json-scan.js';
import { RequestBody } from '../../src/gateway/body/request-body.js';
import { SplicedBody } from '../../src/gateway/body/spliced.js';
import { GatewayError } from '../../src/gateway/errors.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const read = (text: string): RequestBody => RequestBody.read(bytes(text));

/** The message of the 400 a body gets, or null when it is read. */
function refusal(text: string | Buffer): string | null {
  try {
    RequestBody.read(typeof text === 'string' ? bytes(text) : text);
    return null;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    expect(err.status).toBe(400);
    return err.message;
  }
}

/** The forwarded text after `model` is set, checked against a parse-and-rewrite of the same body. */
function rewritten(text: string, upstream = 'up-model'): string {
  const body = read(text);
  body.set('model', upstream);
  const out = body.bytes().toString('utf8');
  const expected = JSON.parse(text) as Record<string, unknown>;
  expected.model = upstream;
  expect(JSON.parse(out)).toStrictEqual(expected);
  return out;
}

const INVALID = 'request payload is invalid: invalid JSON request body';
const NOT_OBJECT = 'request payload is invalid: the body must be a JSON object';
const NOT_UTF8 = 'request payload is invalid: the body is not valid UTF-8';
const dup = (key: string): string => `request payload is invalid: duplicate key ${JSON.stringify(key)} in the request body`;

describe('scanTopLevel', () => {
  it('maps each top-level member to its key and value span', () => {
    const text = '{ "model" : "gpt",\n\t"input":[1,{"a":2}], "stream":true ,"n":-1.5e3,"x":null}';
    const scan = scanTopLevel(bytes(text));
    expect(scan.members.map((m) => [m.key, text.slice(m.valueStart, m.valueEnd)])).toStrictEqual([
      ['model', '"gpt"'], ['input', '[1,{"a":2}]'], ['stream', 'true'], ['n', '-1.5e3'], ['x', 'null'],
    ]);
    expect(text[scan.close]).toBe('}');
    expect(scan.memberCount).toBe(6);
    expect(scan.members[1]?.nestedMembers).toBe(1);
  });

  it('skips strings by their real closing quote: escaped quotes and backslash runs', () => {
    const value = 'a \\" b \\\\" ';
    const text = `{"s":"${'x'.repeat(40)}\\\\\\"${'y'.repeat(40)}","t":"\\\\","model":"m"}`;
    const scan = scanTopLevel(bytes(text));
    expect(scan.members.map((m) => m.key)).toStrictEqual(['s', 't', 'model']);
    expect(JSON.parse(text.slice(scan.members[0]!.valueStart, scan.members[0]!.valueEnd))).toBe(`${'x'.repeat(40)}\\"${'y'.repeat(40)}`);
    expect(() => scanTopLevel(bytes(`{"s":"${value}`))).toThrow(ScanError);
  });

  it('finds the real closing quote wherever escapes fall around the JS window and the native search', () => {
    // escaped backslashes (1–3 pairs), then an escaped quote, at offsets across the 64-byte JS window and after it
    for (let at = 0; at < 140; at += 7) {
      for (let run = 1; run <= 3; run++) {
        const inner = `${'x'.repeat(at)}${'\\\\'.repeat(run)}\\"${'a\\"'.repeat(at % 5)}${'y'.repeat(at)}${'\\\\'.repeat(run)}`;
        const text = `{"s":"${inner}","model":"m"}`;
        const scan = scanTopLevel(bytes(text));
        expect(scan.members.map((m) => m.key)).toStrictEqual(['s', 'model']);
        expect(JSON.parse(text.slice(scan.members[0]!.valueStart, scan.members[0]!.valueEnd))).toBe(JSON.parse(`"${inner}"`));
      }
    }
  });

  it('decodes escaped keys: "mo\\u0064el" is model', () => {
    expect(scanTopLevel(bytes('{"mo\\u0064el":"x"}')).members[0]?.key).toBe('model');
  });

  it('refuses what JSON.parse refuses, and tells a non-object root apart', () => {
    const invalid = ['', '   ', '{', '{"a":1', '{"a":1,}', '{"a" 1}', '{a:1}', '{"a":01}', '{"a":1.}', '{"a":-}', '{"a":tru}', '{"a":nul}',
      '{"a":1}x', '{"a":1} {}', '{"a":[1,]}', '{"a":[1 2]}', '{"a":{"b":1,}}', '{"a":"unterminated}', "{'a':1}", '\ufeff{"a":1}', '{"a":1e}', '{"a":+1}',
      '{"model":', '{model: "echo"}', '{"model":"echo"}}', '{"model":"echo","input":"x",}', '\u0000\u0001', '{"a":"\\"}'];
    for (const text of invalid) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(() => scanTopLevel(bytes(text)), text).toThrow(new ScanError('invalid'));
    }
    for (const text of ['[1,2]', '"model"', '42', 'null', ' true ']) expect(() => scanTopLevel(bytes(text)), text).toThrow(new ScanError('not_object'));
    for (const text of ['{}', ' {"a":[]} ', '{"a":{}}', '{"a":[[[[]]]],"b":-0.5E+2}']) expect(() => scanTopLevel(bytes(text)), text).not.toThrow();
  });

  it('walks deep nesting without recursion', () => {
    const depth = 100_000;
    const text = `{"model":"m","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    expect(scanTopLevel(bytes(text)).members.map((m) => m.key)).toStrictEqual(['model', 'deep']);
  });
});

describe('RequestBody.read', () => {
  it("answers today's 400s: not UTF-8, not JSON, not an object", () => {
    expect(refusal(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toBe(NOT_UTF8);
    expect(refusal('{"model":"gpt",')).toBe(INVALID);
    expect(refusal('{"model":"gpt"} trailing')).toBe(INVALID);
    expect(refusal('[{"model":"gpt"}]')).toBe(NOT_OBJECT);
    expect(refusal('{"model":"gpt"}')).toBeNull();
  });

  it('refuses a duplicate top-level key, escaped or not', () => {
    expect(refusal('{"model":"a","input":"x","model":"b"}')).toBe(dup('model'));
    expect(refusal('{"stream":false,"model":"a","stream":true}')).toBe(dup('stream'));
    expect(refusal('{"model":"a","mo\\u0064el":"b"}')).toBe(dup('model'));
  });

  it('reads fields lazily: kind and emptiness without a parse, values with JSON.parse of their slice', () => {
    const body = read('{"model":"gpt","messages":[ ],"input":[{"a":1}],"n":3,"o":{},"s":"x","t":true,"z":null}');
    expect(['model', 'messages', 'input', 'n', 'o', 's', 't', 'z', 'none'].map((k) => body.kind(k))).toStrictEqual(
      ['string', 'array', 'array', 'number', 'object', 'string', 'boolean', 'null', undefined],
    );
    expect([body.isEmpty('messages'), body.isEmpty('input'), body.isEmpty('o'), body.isEmpty('s')]).toStrictEqual([true, false, true, false]);
    expect(body.get('input')).toStrictEqual([{ a: 1 }]);
    expect(body.get('none')).toBeUndefined();
  });

  it('refuses duplicate keys inside a field it parses', () => {
    const body = read('{"model":"m","stream_options":{"include_usage":false,"include_usage":true}}');
    expect(() => body.get('stream_options')).toThrow(dup('include_usage'));
  });

  it('refuses a string a stage reads when JSON.parse refuses it (the scan leaves string contents to it)', () => {
    const body = read('{"model":"a\tb"}');
    expect(() => body.get('model')).toThrow(INVALID);
  });
});

describe('the outgoing bytes', () => {
  it('are slices of the caller\'s bytes when large: the same text, no copy until one is asked for', () => {
    const text = `{"input":${JSON.stringify('z\\" é'.repeat(20_000))},"model":"gpt","store":false}`;
    const raw = bytes(text);
    const body = RequestBody.read(raw);
    body.set('model', 'up');
    const out = body.bytes();
    expect(out).toBeInstanceOf(SplicedBody);
    const spliced = out as SplicedBody;
    expect(spliced.chunks.map((c) => c.buffer === raw.buffer)).toStrictEqual([true, false, true]);
    expect(spliced.toString()).toBe(text.replace('"gpt"', '"up"'));
    expect(spliced.length).toBe(Buffer.byteLength(text) - 1);
    expect(body.bytes()).toBe(out);
  });

  it('are the caller\'s own Buffer when nothing was written', () => {
    const raw = bytes('{"model":"gpt"}');
    const body = RequestBody.read(raw);
    expect(body.bytes()).toBe(raw);
  });

  it('change only the model value, wherever it sits', () => {
    expect(rewritten('{"model":"a","input":"x"}')).toBe('{"model":"up-model","input":"x"}');
    expect(rewritten('{"input":"x","model":"a","stream":false}')).toBe('{"input":"x","model":"up-model","stream":false}');
    expect(rewritten('{"input":"x","model":"a"}')).toBe('{"input":"x","model":"up-model"}');
    expect(rewritten('{"model":"a"}')).toBe('{"model":"up-model"}');
  });

  it('leave nested model keys, whitespace, escapes and Unicode as the caller wrote them', () => {
    const text = '\n{\r\n  "input" : [ {"model":"inner","text":"caf\u00e9 \ud83d\ude80 \\"q\\" \\\\ \\u00e9"} ],\n  "metadata":{"model":{"model":"deep"}},\n  "mo\\u0064el"\t:\t"\u65e5\u672c" ,\n  "tail": "\ud83d\ude00"\n}\n';
    const out = rewritten(text, 'gpt-\u00e9-\ud83d\ude80');
    expect(out).toBe(text.replace('"\u65e5\u672c"', '"gpt-\u00e9-\ud83d\ude80"'));
  });

  it('take the escapes JSON.stringify writes for the new value', () => {
    expect(rewritten('{"model":"a"}', 'we"ird\\model\n')).toBe('{"model":"we\\"ird\\\\model\\n"}');
  });

  it('splice again for another write (a failover target) and add a missing field at the end', () => {
    const body = read('{ "model":"a", "stream":true }');
    body.set('model', 'first');
    body.set('stream_options', { include_usage: true });
    expect(body.bytes().toString()).toBe('{ "model":"first", "stream":true,"stream_options":{"include_usage":true} }');
    body.set('model', 'second');
    expect(body.bytes().toString()).toBe('{ "model":"second", "stream":true,"stream_options":{"include_usage":true} }');
  });

  it('drop a removed field with its comma, wherever it was', () => {
    const removed = (text: string, key: string): string => {
      const body = read(text);
      body.remove(key);
      const out = body.bytes().toString();
      const expected = JSON.parse(text) as Record<string, unknown>;
      delete expected[key];
      expect(JSON.parse(out)).toStrictEqual(expected);
      return out;
    };
    expect(removed('{"type":"response.create","model":"m"}', 'type')).toBe('{"model":"m"}');
    expect(removed('{"model":"m", "type":"x", "input":"i"}', 'type')).toBe('{"model":"m","input":"i"}');
    expect(removed('{"model":"m","type":"x"}', 'type')).toBe('{"model":"m"}');
    expect(removed('{"type":"x"}', 'type')).toBe('{}');
    const body = read('{"a":1,"b":2,"c":3}');
    body.remove('b');
    body.remove('c');
    body.set('d', 4);
    expect(body.bytes().toString()).toBe('{"a":1,"d":4}');
  });

  it('sent() is the parse of the outgoing bytes', () => {
    const body = read('{"model":"a","type":"t","input":[{"content":"x"}]}');
    body.set('model', 'b');
    body.remove('type');
    body.set('stream', true);
    expect(body.sent()).toStrictEqual(JSON.parse(body.bytes().toString()));
  });
});

describe('guarded(): the one full parse for guardrails', () => {
  it('refuses a duplicate key in any object, which JSON.parse would drop', () => {
    const text = '{"model":"m","input":[{"role":"user","content":"hidden","content":"shown"}]}';
    expect((JSON.parse(text) as { input: { content: string }[] }).input[0]?.content).toBe('shown');
    expect(() => read(text).guarded()).toThrow(dup('content'));
    expect(read('{"model":"m","input":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}').guarded()).toBeTruthy();
  });

  it('masks splice only the fields they changed', () => {
    const text = '{ "model":"m", "input":[{"content":"mail a@b.c"}], "metadata":{"x":"a@b.c"} }';
    const body = read(text);
    const whole = body.guarded();
    const masked = { ...whole, input: [{ content: 'mail [EMAIL]' }] };
    body.applyMasked(masked);
    body.set('model', 'up');
    expect(body.bytes().toString()).toBe('{ "model":"up", "input":[{"content":"mail [EMAIL]"}], "metadata":{"x":"a@b.c"} }');
  });
});

describe('duplicate helpers', () => {
  it('count keys in every object and find the repeated one', () => {
    expect(countKeys({ a: 1, b: [{ c: 1, d: { e: 2 } }, 'x'] })).toBe(5);
    expect(firstDuplicateKey(bytes('{"a":{"x":1,"y":"\\"x\\"","x":2}}'))).toBe('x');
    expect(firstDuplicateKey(bytes('{"a":[{"x":1},{"x":2}],"b":{"x":1}}'))).toBeNull();
  });
});
