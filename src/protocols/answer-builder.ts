// What every protocol's assembler (<name>/assemble.ts) fills while it reads an answer: the output
// text (pieces joined as they come), the reasoning (pieces of one part joined; parts separated by a
// blank line) and the tool calls (keyed, in order of first appearance). No wire field names here.
import type { AssembledAnswer, CapturedToolCall } from '../events/capture.js';

interface Call {
  id: string | null;
  name: string;
  arguments: string;
}

export class AnswerBuilder {
  private text = '';
  private readonly reasoning: string[] = [];
  private reasoningKey: string | null = null;
  private readonly calls = new Map<string, Call>();
  /** something of the format was read (an answer object, or a frame of its stream) */
  seen = false;

  addText(piece: unknown): void {
    if (typeof piece === 'string') this.text += piece;
  }

  /** A piece of reasoning; pieces with the same `part` key are one text. */
  addReasoning(part: string, piece: unknown): void {
    if (typeof piece !== 'string') return;
    if (part !== this.reasoningKey || this.reasoning.length === 0) {
      this.reasoning.push(piece);
      this.reasoningKey = part;
    } else {
      this.reasoning[this.reasoning.length - 1] += piece;
    }
  }

  /** The tool call under `key`, created (empty) on first sight. */
  call(key: string): Call {
    let call = this.calls.get(key);
    if (call === undefined) {
      call = { id: null, name: '', arguments: '' };
      this.calls.set(key, call);
    }
    return call;
  }

  /** Whether a tool call is known under `key`. */
  hasCall(key: string): boolean {
    return this.calls.has(key);
  }

  build(): AssembledAnswer | null {
    if (!this.seen) return null;
    const tool_calls: CapturedToolCall[] = [...this.calls.values()].map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
    return { text: this.text, reasoning: this.reasoning.filter((part) => part !== '').join('\n\n'), tool_calls };
  }
}

/** A string field, or null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
