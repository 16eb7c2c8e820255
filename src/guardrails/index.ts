// The guardrail engine's public surface for the gateway: build a chain once per config load,
// then check requests, JSON responses, held-back streams and live monitor-only streams. Where
// the text sits in each wire format is the protocol modules' business (src/protocols).
export { buildGuardrailChain } from './chain.js';
export { buildGuardrailScopes, type GuardrailScopes } from './scopes.js';
export type { BlockedBy, ChainOptions, GuardrailChain, OutputPolicy, StreamCollector, Verdict } from './types.js';
// For the gateway's own held-stream handling (e.g. dropping the injected chat usage chunk):
// raw frame blocks that concatenate back to the held bytes, and the frame each one carries.
export { parseBlocks, splitSseBlocks } from './sse-blocks.js';
