// Public contract of the guardrail engine (what the gateway calls) plus the small internal
// vocabulary shared by the rule compilers, the chain and the text extractors: a rule, a member
// of the chain, and a text slot (a string inside a JSON body, addressed by its path).
import type { GuardrailHit } from '../events/types.js';
import type { Protocol } from '../protocols/types.js';
import type { SseFrame } from '../sse/frame-parser.js';
import type { WindowReview } from './window-review.js';
import type { GuardrailWindow } from './window-rules.js';

export type { Path, PathKey, TextSlot } from '../protocols/types.js';

export type Stage = GuardrailHit['stage'];

export interface BlockedBy {
  guardrail: string;
  rule: string;
}

export interface Verdict {
  /** the first block-mode rule that fired, or null */
  blocked: BlockedBy | null;
  /** every block, mask and monitor hit, in chain order */
  hits: GuardrailHit[];
}

export interface StreamCollector {
  /** one parsed SSE frame of a live (monitor-only) stream */
  push(frame: SseFrame): void;
  /** end of stream: monitor hits for everything pushed (never blocks, never masks) */
  scan(): GuardrailHit[];
}

export type OutputPolicy = 'none' | 'monitor' | 'hold';

export interface GuardrailChain {
  /** any enabled guardrail with an input hook (and at least one rule) */
  readonly inputActive: boolean;
  /** hold ⇔ a block-mode guardrail hooks output; monitor ⇔ only monitor-mode ones do */
  readonly outputPolicy: OutputPolicy;
  /** hold-back cap: the gateway's cap, or a smaller pii max_buffer_bytes of a holding guardrail */
  readonly holdCapBytes: number;
  /**
   * what a held stream that outgrows the cap gets: `fail_closed` (422, AISIX's rule) unless every
   * holding guardrail is a pii one with `on_buffer_exceeded: fail_open` (released unscanned)
   */
  readonly holdOverflow: 'fail_closed' | 'fail_open';
  /**
   * window mode (DESIGN.md §3): the longest match, in characters, of the block-mode output
   * members' rules (0 when there are none); null when one of them is unbounded
   */
  readonly outputWindow: number | null;
  /** body = a structural copy with the masked spans rewritten when a mask fired, else null */
  checkRequest(protocol: Protocol, body: Record<string, unknown>): Verdict & { body: Record<string, unknown> | null };
  /** non-streaming output; json = a masked structural copy when a mask fired, else null */
  checkResponse(protocol: Protocol, json: unknown): Verdict & { json: unknown | null };
  /** a whole held SSE body; body = the same Buffer when nothing was masked, else re-serialised */
  /** `unreadable`: data frames that are not JSON, so their text could not be checked */
  reviewHeldStream(protocol: Protocol, held: Buffer): Verdict & { body: Buffer; unreadable: number };
  createStreamCollector(protocol: Protocol): StreamCollector;
  /** window mode: the review of one stream, frame by frame, holding back `outputWindow` characters */
  createWindowReview(protocol: Protocol): WindowReview;
}

export interface ChainOptions {
  /** proxy.guardrail_buffer_bytes */
  bufferCapBytes: number;
}

/** A string to scan, with its lower-case form computed at most once. */
export interface ScanText {
  readonly text: string;
  lower(): string;
}

/** One step of a regex rule's left-to-right scan (mask.ts): a candidate match in the scanned string. */
export interface Candidate {
  /** where the match starts */
  readonly at: number;
  /** where the scan goes on (`lastIndex` for the next candidate) */
  readonly next: number;
  /** the [start, end) span it masks; null when the rule rejects it (a failed check, an empty span) */
  readonly span: readonly [number, number] | null;
}

/**
 * How window mode (window-scan.ts) runs a rule over a text that grows at its end, re-reading only
 * what is not settled: a literal by its lower-cased needle; a regex rule by the very scan its
 * `matches` and `mask` loop over (`next`), with how far a candidate can read after its start
 * (`reach`) and before it (`behind`) — Infinity when unknown: then the text is scanned whole.
 */
export type RuleScan =
  | { readonly kind: 'lowered'; readonly needle: string }
  | {
      readonly kind: 'pattern';
      readonly reach: number;
      readonly behind: number;
      /** how far before its match a masked span can start (a capture group inside a lookbehind) */
      readonly spanBehind: number;
      readonly replacement: string;
      /** the first candidate at or after `from` in `s` (what comes before `from` is read as context only) */
      next(s: string, from: number): Candidate | null;
    };

/** One compiled rule: a keyword pattern, a pii detector or a custom pattern. */
export interface Rule {
  /** what a hit reports: the keyword value, the detector type or the custom pattern name */
  readonly name: string;
  readonly action: 'block' | 'mask';
  matches(text: ScanText): boolean;
  /** mask rules only: the text with every match rewritten; the same string when none matched */
  mask(text: string): string;
  /** window mode: the same matching, resumable over a growing text */
  readonly scan: RuleScan;
}

/** One enabled guardrail with at least one rule, ready to run. */
export interface Member {
  readonly name: string;
  readonly kind: 'keyword' | 'pii';
  readonly mode: 'block' | 'monitor';
  readonly input: boolean;
  readonly output: boolean;
  readonly rules: readonly Rule[];
  /** keyword: only the first matching rule fires; pii: every matching rule does */
  readonly firstMatchOnly: boolean;
  /** pii max_buffer_bytes when the file sets it; null = the gateway's cap */
  readonly maxBufferBytes: number | null;
  /** pii on_buffer_exceeded; keyword guardrails always fail closed */
  readonly onBufferExceeded: 'fail_closed' | 'fail_open';
  /** window mode: the longest match of the rules (uncapped; length null = unbounded) */
  readonly window: GuardrailWindow;
}

