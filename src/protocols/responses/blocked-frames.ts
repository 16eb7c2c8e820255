// The frames that end a Responses stream the output guardrails blocked after part of it was sent
// (window mode, DESIGN.md §3): `error` with code `content_filter`, then `response.failed` with the
// same reason in `response.error`, numbered after the last frame the client got.
export const BLOCKED_CODE = 'content_filter';

export function responsesBlockedFrames(message: string, sequence: number, responseId: string | null): string {
  const error = { type: 'error', code: BLOCKED_CODE, message };
  const failed = {
    type: 'response.failed',
    sequence_number: sequence,
    response: { id: responseId ?? 'resp_blocked', object: 'response', status: 'failed', error: { code: BLOCKED_CODE, message }, incomplete_details: null, output: [] },
  };
  return `event: error\ndata: ${JSON.stringify(error)}\n\nevent: response.failed\ndata: ${JSON.stringify(failed)}\n\n`;
}
