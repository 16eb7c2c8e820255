// The wire protocols the proxy speaks, one module each; this file only gathers them.
export { chatProtocol } from './chat/index.js';
export { embeddingsProtocol, moderationsProtocol } from './embeddings/index.js';
export { RESPONSES_TERMINAL_EVENTS, responsesProtocol } from './responses/index.js';
export { countTokensProtocol, MESSAGES_TERMINAL_EVENT, messagesProtocol, renderAnthropicError } from './messages/index.js';
export { renderOpenAiError, readOpenAiError } from './openai-error.js';
export { requestText, responseText } from './preview-text.js';
export type { BodyFields, ErrorFields, FrameExtractor, InBandError, JsonKind, Protocol, StreamTap, TextSlot } from './types.js';
