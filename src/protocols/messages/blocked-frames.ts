// The frame that ends a Messages stream the output guardrails blocked after part of it was sent
// (window mode, DESIGN.md §3): Anthropic's in-stream `error` event (its `error.type` is what the
// SDK throws), with the `content_filter` code and message beside it as on the OpenAI routes.
import { anthropicErrorType } from './error.js';

export function messagesBlockedFrames(message: string): string {
  const type = anthropicErrorType({ message, type: 'content_filter', status: 422 });
  const error = { type: 'error', code: 'content_filter', message, error: { type, message } };
  return `event: error\ndata: ${JSON.stringify(error)}\n\n`;
}
