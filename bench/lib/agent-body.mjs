// Agent-sized Responses request bodies: an `input` array as a long coding-agent turn sends it
// (Codex-like): developer instructions, the user's task, then many rounds of assistant messages,
// `function_call` items (shell commands) and `function_call_output` items holding source code and
// command output, ending with a short user message (the mock echoes it, so the reply stays small).
// Deterministic (seeded), ASCII with JSON escapes (quotes, backslashes, newlines, tabs) and some
// non-ASCII, sized to `bytes` of UTF-8 JSON within a few bytes.

const NAMES = ['request', 'response', 'config', 'handler', 'stream', 'buffer', 'record', 'router', 'session', 'upstream', 'guardrail', 'frame', 'token', 'usage', 'cache', 'parser'];
const VERBS = ['read', 'parse', 'build', 'check', 'relay', 'write', 'resolve', 'match', 'render', 'flush'];
const WORDS = 'the proxy reads each frame once and relays bytes as received while the side parser keeps the usage and the response id for the event that ends the request'.split(' ');

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `chars` characters of TypeScript-looking source with line numbers, as `nl -ba` / `sed -n` print it. */
function codeText(rand, chars, firstLine = 1) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const lines = [];
  let size = 0;
  let n = firstLine;
  while (size < chars) {
    const a = pick(NAMES);
    const b = pick(NAMES);
    const v = pick(VERBS);
    let line;
    switch (Math.floor(rand() * 8)) {
      case 0: line = `export function ${v}${a[0].toUpperCase()}${a.slice(1)}(${b}: ${b[0].toUpperCase()}${b.slice(1)}, options: { limit?: number } = {}): Promise<void> {`; break;
      case 1: line = `  const ${a} = await ${v}(${b}, "${pick(WORDS)} \\"${pick(NAMES)}\\" C:\\\\tmp\\\\${a}.log");`; break;
      case 2: line = `  // ${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)} — ${pick(WORDS)} ✓ (${n})`; break;
      case 3: line = `  if (${a}.length > ${Math.floor(rand() * 4096)} && !${b}.${v}ed) throw new Error(\`${v} failed: \${${a}.id}\`);`; break;
      case 4: line = `\t\treturn { ${a}, ${b}: ${b} ?? null, at: Date.now() };`; break;
      case 5: line = `  for (const [key, value] of Object.entries(${a})) ${b}.set(key, String(value));`; break;
      case 6: line = '}'; break;
      default: line = `  ${a}.${v}(${JSON.stringify({ [b]: pick(WORDS), n })});`;
    }
    const numbered = `${String(n).padStart(6)}\t${line}`;
    lines.push(numbered);
    size += numbered.length + 1;
    n++;
  }
  return lines.join('\n').slice(0, chars);
}

function prose(rand, chars) {
  const out = [];
  let size = 0;
  while (size < chars) {
    const w = WORDS[Math.floor(rand() * WORDS.length)];
    out.push(w);
    size += w.length + 1;
  }
  return out.join(' ').slice(0, chars);
}

const msg = (role, text) => ({ type: 'message', role, content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }] });

/**
 * A `POST /v1/responses` body of `bytes` bytes (UTF-8 JSON): `{model, instructions, input: [...],
 * tools, store: false, stream}`. The last input item is a user message with `lastText`.
 */
export function agentBody({ bytes, model = 'bench', stream = false, lastText = 'hello bench', seed = 7 }) {
  const rand = rng(seed);
  const input = [
    msg('developer', prose(rand, 6_000)),
    msg('user', 'The request path reads the whole body twice. Find where and fix it; run the tests after.'),
  ];
  const body = {
    model,
    instructions: `You are a coding agent running in a terminal.\n${prose(rand, 9_000)}`,
    input,
    tools: [{ type: 'function', name: 'shell', description: 'Runs a shell command and returns its output.', parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } }, workdir: { type: 'string' }, timeout_ms: { type: 'number' } }, required: ['command'] }, strict: false }],
    store: false,
    stream,
  };
  const last = msg('user', lastText);
  const itemBytes = (item) => Buffer.byteLength(JSON.stringify(item)) + 1; // + its comma
  const base = Buffer.byteLength(JSON.stringify({ ...body, input: [] })) - 1; // the last item has no comma
  let used = base + input.reduce((a, item) => a + itemBytes(item), 0) + itemBytes(last);
  let call = 0;
  // whole turns until ~20 KB short of the size, then one output padded to the exact size
  while (used < bytes - 20_000) {
    const id = `call_${String(++call).padStart(4, '0')}`;
    const file = `src/${NAMES[call % NAMES.length]}/${VERBS[call % VERBS.length]}.ts`;
    const turn = [
      msg('assistant', prose(rand, 200 + Math.floor(rand() * 600))),
      { type: 'function_call', call_id: id, name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', `nl -ba ${file} | sed -n '1,400p'`], workdir: '/repo', timeout_ms: 10_000 }) },
      { type: 'function_call_output', call_id: id, output: JSON.stringify({ output: codeText(rand, 2_000 + Math.floor(rand() * 14_000)), metadata: { exit_code: 0, duration_seconds: 0.1 } }) },
    ];
    for (const item of turn) {
      input.push(item);
      used += itemBytes(item);
    }
  }
  // the pad's text is a prefix of one fixed text, so its size grows with its length: bisect
  const padText = codeText(rng(seed + 1), Math.max(0, bytes - used) + 1);
  const padOf = (n) => ({ type: 'function_call_output', call_id: 'call_last', output: padText.slice(0, n) });
  let lo = 0;
  let hi = padText.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (used + itemBytes(padOf(mid)) <= bytes) lo = mid;
    else hi = mid - 1;
  }
  input.push(padOf(lo));
  input.push(last);
  const buffer = Buffer.from(JSON.stringify(body));
  const kinds = {};
  for (const item of input) kinds[item.type === 'message' ? `message (${item.role})` : item.type] = (kinds[item.type === 'message' ? `message (${item.role})` : item.type] ?? 0) + 1;
  return { buffer, items: input.length, kinds };
}
