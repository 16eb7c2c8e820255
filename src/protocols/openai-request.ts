// The request fields both OpenAI protocols (Responses and Chat Completions) name the same way:
// `model`, rewritten to the upstream model id, and `stream`, which alone decides streaming; and
// the upstream's `x-request-id` header.
import type { Protocol } from './types.js';

export const openAiRequestFields: Pick<Protocol, 'model' | 'setModel' | 'isStream' | 'requestIdHeader'> = {
  requestIdHeader: 'x-request-id',
  model: (body) => body.get('model'),
  setModel: (body, upstreamModel) => body.set('model', upstreamModel),
  isStream: (body) => body.get('stream') === true,
};
