// Time to first token on a slow stream: `POST /v1/responses` with `stream: true` to the mock's
// `mock-slow` model (500 ms to the first byte, then 100 ms between deltas; its output text set by
// `metadata.mock_output`, one word per delta), timed by the client: first body byte, first
// `response.output_text.delta`, every delta's arrival and length, and the terminal event.
import { Client } from 'undici';

/** Eight words: the mock sends one per delta, 100 ms apart. */
export const SLOW_OUTPUT = 'alpha bravo charlie delta echo foxtrot golf hotel';

/**
 * One streamed request, read frame by frame. Resolves to { status, ttfb, ttft, total, deltas:
 * [{at, chars}], text (what reached the client, all of it), terminal (its event type or null) }.
 */
export async function timedStream({ origin, headers, body }) {
  const client = new Client(origin, { headersTimeout: 30_000, bodyTimeout: 30_000 });
  const t0 = performance.now();
  try {
    const res = await client.request({ path: '/v1/responses', method: 'POST', headers, body: JSON.stringify(body) });
    let ttfb = null;
    let ttft = null;
    let pending = '';
    let text = '';
    let terminal = null;
    const deltas = [];
    for await (const chunk of res.body) {
      const at = performance.now() - t0;
      ttfb ??= at;
      const s = chunk.toString('utf8');
      text += s;
      pending += s;
      for (let end = pending.search(/\r?\n\r?\n/); end >= 0; end = pending.search(/\r?\n\r?\n/)) {
        const frame = pending.slice(0, end);
        pending = pending.slice(end + (pending[end] === '\r' ? 4 : 2));
        const data = frame.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        let event;
        try {
          event = JSON.parse(data);
        } catch {
          continue;
        }
        if (event.type === 'response.output_text.delta') {
          ttft ??= at;
          deltas.push({ at, chars: String(event.delta ?? '').length });
        } else if (event.type === 'response.completed' || event.type === 'response.failed' || event.type === 'error' || event.type === 'response.incomplete') {
          terminal ??= event.type === 'error' ? `error (${event.code ?? event.error?.code ?? '?'})` : event.type;
        }
      }
    }
    return { status: res.statusCode, ttfb, ttft, total: performance.now() - t0, deltas, text, terminal };
  } finally {
    await client.close();
  }
}

/**
 * How long after the first delta the upstream has sent `w` more characters of text (what a
 * window of W characters has to wait for before it can release the first delta); when the stream
 * ends first, the time to its last delta.
 */
export function timeForChars(deltas, w) {
  if (deltas.length === 0) return null;
  let chars = 0;
  for (let i = 1; i < deltas.length; i++) {
    chars += deltas[i].chars;
    if (chars >= w) return deltas[i].at - deltas[0].at;
  }
  return deltas.at(-1).at - deltas[0].at;
}
