// The frame that ends a chat stream the output guardrails blocked after part of it was sent
// (window mode, DESIGN.md §3): `event: error` with `{"type":"error","code":"content_filter",
// "message"}`, which also carries the OpenAI `error` object the SDKs throw on; no `[DONE]` after it.
const BLOCKED_CODE = 'content_filter';

export function chatBlockedFrames(message: string): string {
  const error = { type: 'error', code: BLOCKED_CODE, message, error: { message, type: BLOCKED_CODE, code: BLOCKED_CODE } };
  return `event: error\ndata: ${JSON.stringify(error)}\n\n`;
}
