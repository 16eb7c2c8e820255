// Parses the file with yaml's Document API and a LineCounter, so any node can be turned into a
// 1-based line:col. File-level problems (syntax, empty file, several documents) are reported
// here; when there are any, nothing else is checked (the structure cannot be trusted).
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { FILE_SCOPE, type IssueSink } from './issues.js';
import type { SourcePosition } from './types.js';

export const FILE_START: SourcePosition = Object.freeze({ line: 1, col: 1 });
const LEADING_KEY = /^[^\s:,{}[\]]+/;

/** The parsed file plus what is needed to locate any node in it. */
export class YamlSource {
  private readonly lines = new LineCounter();
  readonly root: Node | null = null;

  constructor(readonly text: string, sink: IssueSink) {
    const docs = parseAllDocuments(text, { lineCounter: this.lines, prettyErrors: false, keepSourceTokens: false });
    const list = Array.isArray(docs) ? docs : [];
    for (const doc of list) {
      for (const err of doc.errors) sink.error(this.posAt(err.pos[0]), FILE_SCOPE, this.syntaxMessage(err.code, err.message, err.pos[0]));
      for (const warn of doc.warnings) sink.warning(this.posAt(warn.pos[0]), FILE_SCOPE, `YAML: ${warn.message}`);
    }
    if (sink.hasErrors) return;
    const second = list[1];
    if (second) {
      sink.error(this.posAt(second.range[0]), FILE_SCOPE, `expected a single YAML document, found ${list.length}`);
      return;
    }
    const contents = list[0]?.contents ?? null;
    if (contents === null || (isScalar(contents) && contents.value === null)) {
      sink.error(FILE_START, FILE_SCOPE, 'file is empty');
      return;
    }
    this.root = contents;
  }

  posAt(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /** Where a node starts (for a scalar: its first character, quotes included). */
  posOf(node: unknown): SourcePosition {
    if (isNode(node) && node.range) return this.posAt(node.range[0]);
    return FILE_START;
  }

  /** Where `token` appears inside a scalar's source text, or where the scalar starts. */
  posOfToken(node: unknown, token: string): SourcePosition {
    if (!isNode(node) || !node.range) return FILE_START;
    const at = this.text.slice(node.range[0], node.range[1]).indexOf(token);
    return this.posAt(node.range[0] + Math.max(at, 0));
  }

  private syntaxMessage(code: string, message: string, offset: number): string {
    if (code === 'DUPLICATE_KEY') {
      const key = LEADING_KEY.exec(this.text.slice(offset))?.[0];
      if (key) return `YAML parse error: duplicate key \`${key}\` (keys must be unique within a mapping)`;
    }
    return `YAML parse error: ${message}`;
  }
}

export type { Node, Pair, Scalar, YAMLMap, YAMLSeq };
export { isAlias, isMap, isPair, isScalar, isSeq };

/** A mapping key as a plain string, or null when the key is not a string scalar. */
export function keyName(pair: Pair): string | null {
  return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : null;
}

/** null (absent) for a missing value or YAML null (`~`, empty). */
export function isNullNode(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** The pair for `key` in a mapping, if any (first occurrence). */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  for (const item of map.items) if (isPair(item) && keyName(item) === key) return item;
  return undefined;
}
