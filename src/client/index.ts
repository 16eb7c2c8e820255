// A small reusable caller for the OpenAI Responses API (`POST /v1/responses`), JSON or streamed,
// built on undici. Used by `aisix test-request`; it imports nothing from the gateway or the UI.
export { sendResponsesRequest, responsesEndpoint, type SendOptions } from './responses.js';
export { ResponsesClientError, type TransportFailure } from './transport-error.js';
export { outputText, functionCalls } from '../protocols/responses/output-text.js';
export { describeError, describeSummary, describeUsage } from './describe.js';
export type { ApiError, ResponsesRequest, ResponsesResult, StreamEvent, Timings, Usage } from './types.js';
