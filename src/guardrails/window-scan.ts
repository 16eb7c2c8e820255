// Window mode's incremental scan (DESIGN.md §3, §6): the chain (evaluate.ts's `evaluateChain`, the
// one that decides) runs over `ScanNode`s — a stream text as the rules see it at one point of the
// chain: a delta key's text, or that text after a mask rule. A node's text is a settled prefix that
// never changes again plus, this step, an unsettled end (what the next characters may still
// rewrite). Each rule keeps, per node, how far its scan is settled, so a step re-reads only the
// unsettled end plus the context a match can read before it:
// - regex rules step through the very candidates their hold-mode `matches`/`mask` loop over
//   (`RuleScan.next`); a candidate whose start is `reach` (+1) characters before the settled end
//   reads settled text only, so neither it nor the failed attempts before it can change again. A
//   mask rule's state (where the scan goes on, the end of the last span) is saved there, and what
//   it wrote up to it joins the next node's settled prefix.
// - literals compare lower-cased stretches: an occurrence is at most the needle plus 4 characters
//   of the original. (A capital sigma lower-cases by its context: with one in the text and a
//   sigma in the needle, the text is compared whole.)
// A rule whose reach is unknown (unbounded, a backreference) runs hold mode's `matches`/`mask` on
// the whole text. Everything is exact: each step's answers equal hold mode's over the text so far.
import type { ChainText } from './evaluate.js';
import { GrowingText } from './growing-text.js';
import { scanText } from './mask.js';
import type { Rule, RuleScan } from './types.js';

/** Characters handed to the rules (the test of linearity reads it). */
export interface ScanStats {
  chars: number;
}

type PatternScan = Extract<RuleScan, { kind: 'pattern' }>;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
const SIGMA = /[σς]/;

export class ScanNode implements ChainText<ScanNode> {
  /** the text after this point's parent rule: the settled prefix, then this step's unsettled end */
  readonly stable: GrowingText;
  volatile = '';
  /** no more text will come (a whole copy, or the stream's end): everything is settled */
  closed = false;
  /** changes whenever the text may have: cached answers are for one version */
  version = 0;
  /** no mask rule on the way here rewrote anything (this step) */
  same = true;
  private readonly matchers = new Map<Rule, Matcher>();
  private readonly maskers = new Map<Rule, Masker>();
  private whole: { version: number; text: string } | null = null;

  constructor(
    readonly stats: ScanStats,
    text = '',
  ) {
    this.stable = new GrowingText(text);
  }

  get length(): number {
    return this.stable.length + this.volatile.length;
  }

  /** A stream's text grew (the root node of a delta key). */
  append(text: string): void {
    if (text.length === 0) return;
    this.stable.append(text);
    this.version++;
  }

  slice(from: number, to: number = this.length): string {
    const n = this.stable.length;
    if (to <= n) return this.stable.slice(from, to);
    if (from >= n) return this.volatile.slice(from - n, to - n);
    return this.stable.slice(from, n) + this.volatile.slice(0, to - n);
  }

  /** The whole text (cached per version). */
  text(): string {
    if (this.whole?.version !== this.version) this.whole = { version: this.version, text: this.slice(0) };
    return this.whole.text;
  }

  /** `at`, or one before when it falls inside a surrogate pair. */
  snap(at: number): number {
    if (at <= 0 || at >= this.length) return Math.max(0, at);
    return isLow(this.charAt(at)) && isHigh(this.charAt(at - 1)) ? at - 1 : at;
  }

  /** Where the settled prefix ends for a rule reading `reach` characters from a match's start. */
  settledBefore(reach: number): number {
    return this.closed ? Infinity : this.stable.length - reach - 1;
  }

  matches(rule: Rule): boolean {
    let m = this.matchers.get(rule);
    if (m === undefined) this.matchers.set(rule, (m = new Matcher(rule)));
    return m.run(this);
  }

  maskWith(rule: Rule): { text: ScanNode; changed: boolean } {
    let m = this.maskers.get(rule);
    if (m === undefined) this.maskers.set(rule, (m = new Masker(rule, this.stats)));
    return m.run(this);
  }

  private charAt(i: number): number {
    const n = this.stable.length;
    return i < n ? this.stable.charCodeAt(i) : this.volatile.charCodeAt(i - n);
  }
}

const wholeScan = (scan: RuleScan): boolean => scan.kind === 'pattern' && !(Number.isFinite(scan.reach) && Number.isFinite(scan.behind));

/** A block or monitor rule over one node: is there a match in its text? */
class Matcher {
  /** attempts before it are settled and failed */
  private frontier = 0;
  /** a settled match: found for good */
  private found = false;
  private seen = -1;
  private answer = false;
  /** literals with a sigma: how far the settled text was searched for a capital one, and whether it has one */
  private sigmaChecked = 0;
  private sigma = false;

  constructor(private readonly rule: Rule) {}

  run(node: ScanNode): boolean {
    if (this.found) return true;
    if (node.version === this.seen) return this.answer;
    this.seen = node.version;
    const scan = this.rule.scan;
    if (wholeScan(scan) || (scan.kind === 'lowered' && this.capitalSigma(node, scan.needle))) {
      node.stats.chars += node.length;
      this.answer = this.rule.matches(scanText(node.text()));
    } else this.answer = scan.kind === 'lowered' ? this.lowered(node, scan.needle) : this.pattern(node, scan);
    return this.answer;
  }

  private capitalSigma(node: ScanNode, needle: string): boolean {
    if (!SIGMA.test(needle)) return false;
    if (!this.sigma) {
      this.sigma = node.stable.slice(this.sigmaChecked).includes('Σ');
      this.sigmaChecked = node.stable.length;
    }
    return this.sigma || node.volatile.includes('Σ');
  }

  private lowered(node: ScanNode, needle: string): boolean {
    const end = node.length;
    let cut = node.closed ? end : node.stable.length;
    if (!node.closed && cut > 0 && isHigh(node.stable.charCodeAt(cut - 1))) cut--; // its pair may follow
    const base = node.snap(this.frontier - needle.length - 4);
    const head = node.slice(base, cut).toLowerCase();
    const rest = node.slice(cut, end).toLowerCase();
    node.stats.chars += head.length + rest.length;
    if (head.includes(needle)) {
      this.found = true;
      return true;
    }
    this.frontier = Math.max(this.frontier, cut);
    return (head + rest).includes(needle);
  }

  private pattern(node: ScanNode, scan: PatternScan): boolean {
    const end = node.length;
    const settled = node.settledBefore(scan.reach);
    const base = node.snap(this.frontier - scan.behind - 2);
    const s = node.slice(base, end);
    node.stats.chars += s.length;
    let committing = true;
    for (let c = scan.next(s, this.frontier - base); c; c = scan.next(s, c.next)) {
      if (committing && c.at + base >= settled) {
        this.frontier = Math.max(this.frontier, node.snap(settled));
        committing = false;
      }
      if (c.span) {
        this.found = committing;
        return true;
      }
      if (committing) this.frontier = c.next + base;
    }
    if (committing) this.frontier = Math.max(this.frontier, node.snap(Math.min(end, settled)));
    return false;
  }
}

/** A mask rule over one node: its output is the next node. */
class Masker {
  readonly child: ScanNode;
  /** the saved scan: where it goes on, the end of the last span, how much of the input the child's settled text covers */
  private frontier = 0;
  private last = 0;
  private copied = 0;
  /** a settled span rewrote something */
  private fired = false;
  private seen = -1;
  private changed = false;

  constructor(
    private readonly rule: Rule,
    stats: ScanStats,
  ) {
    this.child = new ScanNode(stats);
  }

  run(node: ScanNode): { text: ScanNode; changed: boolean } {
    if (node.version !== this.seen) {
      this.seen = node.version;
      const scan = this.rule.scan;
      this.changed = scan.kind === 'pattern' && !wholeScan(scan) ? this.pattern(node, scan) : this.whole(node);
      this.child.closed = node.closed;
      this.child.version++;
    }
    this.child.same = node.same && !this.changed;
    return { text: this.child, changed: this.changed };
  }

  /** Hold mode's mask over the whole text, all of it unsettled. */
  private whole(node: ScanNode): boolean {
    const text = node.text();
    node.stats.chars += text.length;
    this.child.volatile = this.rule.mask(text);
    return this.child.volatile !== text;
  }

  private pattern(node: ScanNode, scan: PatternScan): boolean {
    const end = node.length;
    const settled = node.settledBefore(scan.reach);
    const base = node.snap(Math.min(this.copied, this.frontier - scan.behind - 2));
    const s = node.slice(base, end);
    node.stats.chars += s.length;
    let { last, copied } = this;
    let changed = this.fired;
    let committing = true;
    let unsettled = '';
    for (let c = scan.next(s, this.frontier - base); c; c = scan.next(s, c.next)) {
      if (committing && c.at + base >= settled) {
        this.settle(node, settled);
        copied = this.copied;
        committing = false;
      }
      const span = c.span;
      if (span && span[0] + base >= last) {
        const piece = s.slice(copied - base, span[0]) + scan.replacement;
        const rewrites = scan.replacement !== s.slice(span[0], span[1]);
        changed ||= rewrites;
        copied = last = span[1] + base;
        if (committing) {
          this.child.stable.append(piece);
          this.fired ||= rewrites;
        } else unsettled += piece;
      }
      if (committing) {
        this.frontier = c.next + base;
        this.last = last;
        this.copied = copied;
      }
    }
    if (committing) {
      this.settle(node, Math.min(end, settled));
      copied = this.copied;
    }
    this.child.volatile = unsettled + s.slice(copied - base);
    return changed;
  }

  /**
   * Attempts before `to` are settled and failed: the scan goes on from there, and the input up to
   * where the next span can start (a capture group in a lookbehind starts before its match) is
   * copied into the child's settled text.
   */
  private settle(node: ScanNode, to: number): void {
    const scan = this.rule.scan as PatternScan;
    this.frontier = Math.max(this.frontier, node.snap(to));
    const copyTo = Math.min(node.length, this.frontier - scan.spanBehind);
    if (copyTo <= this.copied) return;
    this.child.stable.append(node.slice(this.copied, copyTo));
    this.copied = copyTo;
  }
}
