// A JSON request body as the stages see it (DESIGN.md §3, §6): the caller's bytes, scanned once
// for the top-level members (a malformed body, a non-object or a duplicate top-level key is a 400
// here, the one place those messages are worded). A field is parsed only when a stage reads it; the
// whole body is parsed at most once, only when a stage needs all of it (input guardrails, previews,
// tape and cache keys), and for guardrails every object in it must then have unique keys, so what
// the proxy scanned is what the upstream reads. Writes (the upstream model, chat's stream usage, a
// mask's rewritten fields) are spliced into the caller's bytes: the outgoing body is the caller's
// body with only those top-level values replaced, never a re-serialisation of the rest.
import { isUtf8 } from 'node:buffer';
import type { BodyFields, JsonKind } from '../../protocols/index.js';
import { GatewayError } from '../errors.js';
import { countKeys, firstDuplicateKey } from './duplicates.js';
import { SplicedBody, type OutgoingBytes } from './spliced.js';
import { scanTopLevel, ScanError, stringText, type MemberSpan, type TopLevelScan } from './json-scan.js';

const INVALID_JSON = 'request payload is invalid: invalid JSON request body';

function invalidJson(): GatewayError {
  return new GatewayError('bad_request', INVALID_JSON);
}

function duplicateKey(key: string): GatewayError {
  return new GatewayError('bad_request', `request payload is invalid: duplicate key ${JSON.stringify(key)} in the request body`);
}

const KIND_BY_BYTE: Readonly<Record<number, JsonKind>> = { 0x7b: 'object', 0x5b: 'array', 0x22: 'string', 0x74: 'boolean', 0x66: 'boolean', 0x6e: 'null' };

function kindOf(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'object' ? 'object' : type === 'string' ? 'string' : type === 'boolean' ? 'boolean' : 'number';
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidJson();
  }
}

/** Below this many bytes a copy is a loop: cheaper than a native call on the small bodies that are most requests. */
const SMALL_COPY = 64;

/** From this many bytes the outgoing body is sent as slices of `raw` (no copy), below it copied into one Buffer. */
const SPLICE_SLICES = 64 * 1024;

/** The bytes of `parts`: [from, to] runs of `raw` and texts, as slices when large, else copied once into one Buffer. */
function joinParts(raw: Buffer, parts: readonly (string | number)[]): OutgoingBytes {
  let length = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as string | number;
    if (typeof part === 'string') length += Buffer.byteLength(part);
    else length += (parts[++p] as number) - part;
  }
  if (length >= SPLICE_SLICES) {
    const chunks: Buffer[] = [];
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p] as string | number;
      if (typeof part === 'string') chunks.push(Buffer.from(part));
      else chunks.push(raw.subarray(part, parts[++p] as number));
    }
    return new SplicedBody(chunks, length);
  }
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] as string | number;
    if (typeof part === 'string') {
      at += out.write(part, at);
      continue;
    }
    const to = parts[++p] as number;
    if (to - part > SMALL_COPY) at += raw.copy(out, at, part, to);
    else for (let i = part; i < to; i++) out[at++] = raw[i] as number;
  }
  return out;
}

export class RequestBody implements BodyFields {
  private readonly spans = new Map<string, MemberSpan>();
  /** current values of the fields read or written so far */
  private readonly values = new Map<string, unknown>();
  /** written fields: their JSON text, or null when removed */
  private readonly edits = new Map<string, string | null>();
  private whole: Record<string, unknown> | null = null;
  private keysChecked = false;
  private sentView: Record<string, unknown> | null = null;
  private out: OutgoingBytes | null = null;

  private constructor(
    /** the bytes as the client sent them */
    readonly raw: Buffer,
    private readonly scan: TopLevelScan,
  ) {
    for (const span of scan.members) {
      if (this.spans.has(span.key)) throw duplicateKey(span.key);
      this.spans.set(span.key, span);
    }
  }

  /** Checks and maps a body: invalid UTF-8, malformed JSON, a non-object and duplicate top-level keys are 400s. */
  static read(raw: Buffer): RequestBody {
    // JSON is UTF-8 (RFC 8259): decoding invalid bytes would forward U+FFFD in place of what was sent
    if (!isUtf8(raw)) throw new GatewayError('bad_request', 'request payload is invalid: the body is not valid UTF-8');
    let scan: TopLevelScan;
    try {
      scan = scanTopLevel(raw);
    } catch (err) {
      if (!(err instanceof ScanError)) throw err;
      throw err.reason === 'invalid' ? invalidJson() : new GatewayError('bad_request', 'request payload is invalid: the body must be a JSON object');
    }
    return new RequestBody(raw, scan);
  }

  /** A body from a value (tests, built requests): its JSON text, read as a caller's would be. */
  static of(value: Record<string, unknown>): RequestBody {
    return RequestBody.read(Buffer.from(JSON.stringify(value)));
  }

  get(key: string): unknown {
    if (this.values.has(key)) return this.values.get(key);
    if (this.edits.has(key)) return undefined; // removed
    const span = this.spans.get(key);
    if (span === undefined) return undefined;
    const value = this.whole !== null ? this.whole[key] : this.parseSpan(span);
    // a field the proxy reads is the field the upstream reads: no duplicate keys inside it either
    if (span.nestedMembers > 0 && !this.keysChecked && countKeys(value) !== span.nestedMembers) {
      throw duplicateKey(firstDuplicateKey(this.raw, span.valueStart, span.valueEnd) ?? key);
    }
    this.values.set(key, value);
    return value;
  }

  kind(key: string): JsonKind | undefined {
    if (this.values.has(key)) return kindOf(this.values.get(key));
    if (this.edits.has(key)) return undefined;
    const span = this.spans.get(key);
    return span === undefined ? undefined : (KIND_BY_BYTE[this.raw[span.valueStart] as number] ?? 'number');
  }

  isEmpty(key: string): boolean {
    const kind = this.kind(key);
    if (kind !== 'array' && kind !== 'object') return false;
    if (this.values.has(key)) {
      const value = this.values.get(key) as object;
      return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
    }
    const span = this.spans.get(key) as MemberSpan;
    let i = span.valueStart + 1;
    let c = this.raw[i];
    while (c === 32 || c === 10 || c === 13 || c === 9) c = this.raw[++i];
    return i === span.valueEnd - 1;
  }

  set(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new Error(`field ${key}: not a JSON value`);
    this.values.set(key, value);
    this.edits.set(key, text);
    this.changed();
  }

  /** Drops a field from the outgoing body. */
  remove(key: string): void {
    this.values.delete(key);
    if (this.spans.has(key)) this.edits.set(key, null);
    else this.edits.delete(key);
    this.changed();
  }

  /** The whole body as the client sent it, parsed once (previews). */
  parsed(): Record<string, unknown> {
    this.whole ??= parseText(this.raw.toString('utf8')) as Record<string, unknown>;
    return this.whole;
  }

  /** The whole body for input guardrails: parsed once, and refused (400) when any object in it repeats a key. */
  guarded(): Record<string, unknown> {
    const whole = this.parsed();
    if (!this.keysChecked) {
      if (countKeys(whole) !== this.scan.memberCount) throw duplicateKey(firstDuplicateKey(this.raw) ?? '');
      this.keysChecked = true;
    }
    return whole;
  }

  /** Takes a guardrail's masked copy of `guarded()`: every top-level field it changed is written. */
  applyMasked(masked: Record<string, unknown>): void {
    const whole = this.parsed();
    for (const key of Object.keys(masked)) {
      if (masked[key] !== whole[key]) this.set(key, masked[key]);
    }
  }

  /** The whole body as it is sent: the parse with the written fields (tape and cache keys). */
  sent(): Record<string, unknown> {
    if (this.sentView !== null) return this.sentView;
    const whole = this.parsed();
    let view = whole;
    if (this.edits.size > 0) {
      view = { ...whole };
      for (const [key, text] of this.edits) {
        if (text === null) delete view[key];
        else view[key] = this.values.get(key);
      }
    }
    this.sentView = view;
    return view;
  }

  /**
   * The bytes to send: the caller's, with each written field's value spliced in — the caller's
   * Buffer itself when nothing was written, slices of it when large (the same object until the next write).
   */
  bytes(): OutgoingBytes {
    if (this.out !== null) return this.out;
    if (this.edits.size === 0) return (this.out = this.raw);
    const { raw } = this;
    if (this.edits.size === 1) {
      // the common case: one field (the model) replaced in place
      const [key, text] = this.edits.entries().next().value as [string, string | null];
      const span = this.spans.get(key);
      if (span !== undefined && text !== null) return (this.out = joinParts(raw, [0, span.valueStart, text, span.valueEnd, raw.length]));
    }
    const { members, close } = this.scan;
    // runs of the caller's bytes as [from, to] pairs, and written texts, in order; then one copy
    const parts: (string | number)[] = [];
    let runStart = 0;
    let runEnd = members[0]?.keyStart ?? close;
    const copy = (from: number, to: number): void => {
      if (from === runEnd) runEnd = to;
      else {
        if (runEnd > runStart) parts.push(runStart, runEnd);
        runStart = from;
        runEnd = to;
      }
    };
    const write = (text: string): void => {
      if (runEnd > runStart) parts.push(runStart, runEnd);
      parts.push(text);
      runStart = runEnd = -1;
    };
    let previous = -1; // the index of the last member kept
    for (let m = 0; m < members.length; m++) {
      const span = members[m] as MemberSpan;
      const text = this.edits.get(span.key);
      if (text === null) continue; // removed
      if (previous >= 0) {
        // the caller's separator when the member before is kept, else a comma
        if (previous === m - 1) copy((members[previous] as MemberSpan).valueEnd, span.keyStart);
        else write(',');
      }
      copy(span.keyStart, span.valueStart);
      if (text === undefined) copy(span.valueStart, span.valueEnd);
      else write(text);
      previous = m;
    }
    let any = previous >= 0;
    for (const [key, text] of this.edits) {
      if (text === null || this.spans.has(key)) continue;
      write(`${any ? ',' : ''}${JSON.stringify(key)}:${text}`);
      any = true;
    }
    copy(members[members.length - 1]?.valueEnd ?? close, raw.length);
    if (runEnd > runStart) parts.push(runStart, runEnd);
    this.out = joinParts(raw, parts);
    return this.out;
  }

  /** A field's value: strings and literals read directly (the common `model` and `stream`), the rest by JSON.parse. */
  private parseSpan(span: MemberSpan): unknown {
    const { raw } = this;
    const first = raw[span.valueStart];
    if (first === 0x22) {
      try {
        return stringText(raw, span.valueStart, span.valueEnd);
      } catch {
        throw invalidJson();
      }
    }
    const length = span.valueEnd - span.valueStart;
    if (first === 0x74 && length === 4) return true;
    if (first === 0x66 && length === 5) return false;
    if (first === 0x6e && length === 4) return null;
    return parseText(raw.toString('utf8', span.valueStart, span.valueEnd));
  }

  private changed(): void {
    this.out = null;
    this.sentView = null;
  }
}
