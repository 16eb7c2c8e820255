// The request fields both OpenAI protocols (Responses and Chat Completions) name the same way:
// `model`, rewritten to the upstream model id, and `stream`, which alone decides streaming.
import type { Protocol } from './types.js';

export const openAiRequestFields: Pick<Protocol, 'model' | 'setModel' | 'isStream'> = {
  model: (body) => body.model,
  setModel: (body, upstreamModel) => {
    body.model = upstreamModel;
  },
  isStream: (body) => body.stream === true,
};
