// The answer of a captured exchange (DESIGN.md §13), put together by the route's protocol from the
// captured (redacted) body: a JSON answer from its JSON, an SSE stream from its frames' data
// (sse/frame-parser.ts), a WebSocket turn from its event frames (one JSON per line). Errors, routes
// without a protocol and bodies that are not text have none. A body cut at the cap gives the part
// of the answer it holds. The answer is redacted again once put together: a key the upstream sent
// in pieces (one delta each) is only whole here.
import type { Config } from '../../config/types.js';
import type { AssembledAnswer, CapturedBody } from '../../events/capture.js';
import type { Protocol } from '../../protocols/index.js';
import { parseJson } from '../../protocols/json-fields.js';
import { redactSecrets } from '../secrets/search.js';
import { SseFrameParser } from '../../sse/frame-parser.js';

/** How the answer's bytes are framed: one JSON, SSE, or event frames one per line. */
export type AnswerForm = 'json' | 'sse' | 'lines';

function sseFrames(text: string): unknown[] {
  const frames: unknown[] = [];
  const parser = new SseFrameParser((frame) => {
    const json = parseJson(frame.data);
    if (json !== undefined) frames.push(json);
  });
  parser.push(text);
  parser.end();
  return frames;
}

function lineFrames(text: string): unknown[] {
  return text.split('\n').flatMap((line) => {
    const json = line === '' ? undefined : parseJson(line);
    return json === undefined ? [] : [json];
  });
}

function assembled(protocol: Protocol, body: CapturedBody, form: AnswerForm): AssembledAnswer | null {
  if (form === 'json') {
    const json = parseJson(body.text);
    return json === undefined ? null : protocol.assemble({ json });
  }
  return protocol.assemble({ frames: form === 'sse' ? sseFrames(body.text) : lineFrames(body.text) });
}

export function assembleCaptured(protocol: Protocol | null, status: number, body: CapturedBody | null, form: AnswerForm, config: Config): AssembledAnswer | null {
  if (protocol === null || body === null || body.encoding !== 'utf8' || status < 200 || status >= 300) return null;
  const answer = assembled(protocol, body, form);
  if (answer === null) return null;
  const redact = (text: string): string => redactSecrets(text, config);
  return {
    text: redact(answer.text),
    reasoning: redact(answer.reasoning),
    tool_calls: answer.tool_calls.map((call) => ({ id: call.id, name: redact(call.name), arguments: redact(call.arguments) })),
  };
}
