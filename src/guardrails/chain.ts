// Builds the guardrail chain once per config load: enabled guardrails with at least one rule,
// in file order, compiled to members; derives the output policy and hold-back cap; and wires
// each check to the right extractor for the wire format.
import type { Guardrail } from '../config/types.js';
import { withEdits } from './edit.js';
import { evaluate } from './evaluate.js';
import { chatFrameTexts } from './extract-chat-stream.js';
import { chatOutputSlots, chatRequestSlots } from './extract-chat.js';
import { responsesFrameTexts } from './extract-responses-stream.js';
import { responsesOutputSlots, responsesRequestSlots } from './extract-responses.js';
import { createCollector, reviewHeld } from './held-stream.js';
import { compileKeywordRules } from './keyword.js';
import { compilePiiRules } from './pii.js';
import { maskedSlotEdits } from './text-edits.js';
import type { ChainOptions, GuardrailChain, Member, OutputPolicy, TextSlot, WireFormat } from './types.js';

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

const requestSlots = (f: WireFormat, body: Record<string, unknown>): TextSlot[] =>
  f === 'responses' ? responsesRequestSlots(body) : chatRequestSlots(body);
const outputSlots = (f: WireFormat, json: unknown): TextSlot[] =>
  f === 'responses' ? responsesOutputSlots(json) : chatOutputSlots(json);
const frameExtractor = (f: WireFormat) => (f === 'responses' ? responsesFrameTexts : chatFrameTexts);

export function buildGuardrailChain(guardrails: readonly Guardrail[], options: ChainOptions): GuardrailChain {
  const members = compileMembers(guardrails);
  const input = members.filter((m) => m.input);
  const output = members.filter((m) => m.output);
  return {
    inputActive: input.length > 0,
    outputPolicy: outputPolicy(output),
    holdCapBytes: holdCap(output, options.bufferCapBytes),
    checkRequest(format, body) {
      if (input.length === 0) return { blocked: null, hits: [], body: null };
      const slots = requestSlots(format, body);
      const { blocked, hits, masked } = evaluate(input, 'input', slots.map((s) => s.text));
      const rewritten = blocked || masked.size === 0 ? null : withEdits(body, maskedSlotEdits(body, slots, masked));
      return { blocked, hits, body: rewritten };
    },
    checkResponse(format, json) {
      if (output.length === 0) return { blocked: null, hits: [], json: null };
      const slots = outputSlots(format, json);
      const { blocked, hits, masked } = evaluate(output, 'output', slots.map((s) => s.text));
      const rewritten = blocked || masked.size === 0 ? null : withEdits(json, maskedSlotEdits(json, slots, masked));
      return { blocked, hits, json: rewritten };
    },
    reviewHeldStream(format, held) {
      if (output.length === 0) return { blocked: null, hits: [], body: held };
      return reviewHeld(output, frameExtractor(format), held);
    },
    createStreamCollector(format) {
      return createCollector(output, frameExtractor(format));
    },
  };
}
