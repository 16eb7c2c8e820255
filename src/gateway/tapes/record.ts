// The recorder's tap (DESIGN.md §12): watches an upstream reply's body as it arrives (the relay
// is not slowed or changed) and, when the body ended normally, hands over the tape's response:
// the status, the allowlisted headers, and the body as text (base64 when not UTF-8) or, for event
// streams, each chunk with its offset in ms from the response headers. A body that broke off (the
// upstream failed, the client left, a fault cut it) is not a recording.
import { isEventStream, type UpstreamReply } from '../stages/upstream-reply.js';
import { TAPE_HEADERS, textOrBase64, type TapeChunk, type TapeResponse } from './format.js';

export function tapReply(reply: UpstreamReply, done: (response: TapeResponse, bytes: Buffer) => void, broken: () => void = () => undefined): void {
  const startedAt = performance.now();
  const stream = isEventStream(reply.headers);
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  reply.body.observe((event) => {
    if (event.kind === 'data') {
      chunks.push(event.chunk);
      offsets.push(Math.round(performance.now() - startedAt));
    } else if (event.kind === 'end') {
      const bytes = Buffer.concat(chunks);
      const headers = keptHeaders(reply.headers);
      if (!stream) {
        const body = textOrBase64(bytes);
        done({ status: reply.statusCode, headers, ...('text' in body ? { body: body.text } : { body_base64: body.base64 }) }, bytes);
        return;
      }
      const tapeChunks: TapeChunk[] = chunks.map((chunk, i) => ({ t_ms: offsets[i] ?? 0, ...textOrBase64(chunk) }));
      done({ status: reply.statusCode, headers, chunks: tapeChunks }, bytes);
    } else if (event.kind === 'error') {
      broken();
    }
  });
}

function keptHeaders(headers: UpstreamReply['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of TAPE_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}
