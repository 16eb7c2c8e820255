// The stream-policy chokepoint (DESIGN.md §3, §8): which relay a streamed answer takes. No
// block-mode output guardrail → live (monitor-only chains scan at the end); block-mode ones →
// `hold` (AISIX's semantics, the default), or with `proxy.stream_guardrails: window` the window
// relay, unless the chain's W is unbounded or over `proxy.stream_guardrail_window` (it holds then).
// The HTTP dispatch and the WebSocket turn relay both ask this one function.
import type { ProxySettings } from '../config/types.js';
import type { GuardrailChain } from './types.js';

export type StreamRelay = 'live' | 'hold' | 'window';

export function streamRelay(chain: GuardrailChain, proxy: Pick<ProxySettings, 'streamGuardrails' | 'streamGuardrailWindow'>): StreamRelay {
  if (chain.outputPolicy !== 'hold') return 'live';
  if (proxy.streamGuardrails !== 'window') return 'hold';
  const w = chain.outputWindow;
  return w === null || w > proxy.streamGuardrailWindow ? 'hold' : 'window';
}
