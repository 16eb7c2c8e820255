// The guardrail engine's public surface for the gateway: build a chain once per config load,
// then check requests, JSON responses, held-back streams and live monitor-only streams.
export { buildGuardrailChain } from './chain.js';
export { requestText, responseText } from './text.js';
export type {
  BlockedBy,
  ChainOptions,
  GuardrailChain,
  OutputPolicy,
  StreamCollector,
  Verdict,
  WireFormat,
} from './types.js';
// For the gateway's own held-stream handling (e.g. dropping the injected chat usage chunk):
// raw frame blocks that concatenate back to the held bytes, and the frame each one carries.
export { parseBlocks, splitSseBlocks } from './sse-blocks.js';
