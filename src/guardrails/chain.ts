// Builds the guardrail chain once per config load: enabled guardrails with at least one rule,
// in file order, compiled to members; derives the output policy and hold-back cap; and wires
// each check to the right extractor for the wire format; and window mode's W (window-rules.ts).
import type { Guardrail } from '../config/types.js';
import { withEdits } from './edit.js';
import { evaluate } from './evaluate.js';
import { createCollector, reviewHeld } from './held-stream.js';
import { compileKeywordRules } from './keyword.js';
import { compilePiiRules } from './pii.js';
import { maskedSlotEdits } from './text-edits.js';
import type { ChainOptions, GuardrailChain, Member, OutputPolicy } from './types.js';
import { WindowReview } from './window-review.js';
import { guardrailWindow } from './window-rules.js';

function compileMember(g: Guardrail): Member {
  const keyword = g.kind === 'keyword';
  return {
    name: g.name,
    kind: g.kind,
    mode: g.mode,
    input: g.hookPoint !== 'output',
    output: g.hookPoint !== 'input',
    rules: keyword ? compileKeywordRules(g) : compilePiiRules(g),
    firstMatchOnly: keyword,
    maxBufferBytes: keyword ? null : g.maxBufferBytes,
    onBufferExceeded: keyword ? 'fail_closed' : g.onBufferExceeded,
    window: guardrailWindow(g),
  };
}

/** Enabled guardrails that can fire (empty patterns / no detectors are inert), in file order. */
export function compileMembers(guardrails: readonly Guardrail[]): Member[] {
  return guardrails
    .filter((g) => g.enabled)
    .map(compileMember)
    .filter((m) => m.rules.length > 0);
}

function outputPolicy(output: readonly Member[]): OutputPolicy {
  if (output.some((m) => m.mode === 'block')) return 'hold';
  return output.length > 0 ? 'monitor' : 'none';
}

function holdCap(output: readonly Member[], bufferCapBytes: number): number {
  let cap = bufferCapBytes;
  for (const m of output) {
    if (m.mode === 'block' && m.maxBufferBytes !== null && m.maxBufferBytes < cap) cap = m.maxBufferBytes;
  }
  return cap;
}

function holdOverflow(output: readonly Member[]): 'fail_closed' | 'fail_open' {
  const holding = output.filter((m) => m.mode === 'block');
  return holding.length > 0 && holding.every((m) => m.onBufferExceeded === 'fail_open') ? 'fail_open' : 'fail_closed';
}

/** Window mode's W: the longest match over the block-mode members; null when one is unbounded. */
function outputWindow(output: readonly Member[]): number | null {
  let w = 0;
  for (const m of output) {
    if (m.mode !== 'block') continue;
    if (m.window.length === null) return null;
    w = Math.max(w, m.window.length);
  }
  return w;
}

export function buildGuardrailChain(guardrails: readonly Guardrail[], options: ChainOptions): GuardrailChain {
  const members = compileMembers(guardrails);
  const input = members.filter((m) => m.input);
  const output = members.filter((m) => m.output);
  return {
    inputActive: input.length > 0,
    outputPolicy: outputPolicy(output),
    holdCapBytes: holdCap(output, options.bufferCapBytes),
    holdOverflow: holdOverflow(output),
    outputWindow: outputWindow(output),
    checkRequest(protocol, body) {
      if (input.length === 0) return { blocked: null, hits: [], body: null };
      const slots = protocol.requestSlots(body);
      const { blocked, hits, masked } = evaluate(input, 'input', slots.map((s) => s.text));
      const rewritten = blocked || masked.size === 0 ? null : withEdits(body, maskedSlotEdits(body, slots, masked));
      return { blocked, hits, body: rewritten };
    },
    checkResponse(protocol, json) {
      if (output.length === 0) return { blocked: null, hits: [], json: null };
      const slots = protocol.outputSlots(json);
      const { blocked, hits, masked } = evaluate(output, 'output', slots.map((s) => s.text));
      const rewritten = blocked || masked.size === 0 ? null : withEdits(json, maskedSlotEdits(json, slots, masked));
      return { blocked, hits, json: rewritten };
    },
    reviewHeldStream(protocol, held) {
      if (output.length === 0) return { blocked: null, hits: [], body: held, unreadable: 0 };
      return reviewHeld(output, protocol.frameTexts, held);
    },
    createStreamCollector(protocol) {
      return createCollector(output, protocol.frameTexts);
    },
    createWindowReview(protocol) {
      return new WindowReview(output, protocol.frameTexts, outputWindow(output) ?? 0, protocol.textEnds?.bind(protocol));
    },
  };
}
