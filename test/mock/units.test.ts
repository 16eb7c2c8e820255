// Unit checks of the mock's pure parts: word counting and delta splitting, the ring-buffer request
// log, and the size- and count-bounded response store.
import { describe, expect, it } from 'vitest';
import { RequestLog } from '../../src/mock/request-log.js';
import type { ResponseObject } from '../../src/mock/response-object.js';
import { ResponseStore } from '../../src/mock/store.js';
import type { RecordedRequest } from '../../src/mock/types.js';
import { countWords, splitDeltas } from '../../src/mock/words.js';
import { words } from './helpers.js';

describe('countWords and splitDeltas', () => {
  const samples = ['', 'one', '  padded   words\tand\nlines  ', 'a b c d e f g h i j k l m n o p q r s t', 'emoji 😀 text, ünïcödé'];

  it('counts words like a whitespace split', () => {
    for (const text of samples) expect(countWords(text)).toBe(words(text));
  });

  it('splits into at most 8 pieces that join back to the text', () => {
    for (const text of samples) {
      const pieces = splitDeltas(text);
      expect(pieces.join('')).toBe(text);
      expect(pieces.length).toBeLessThanOrEqual(8);
      expect(pieces.length).toBe(text === '' ? 0 : Math.min(8, Math.max(1, words(text))));
    }
  });

  it('cuts long texts into ~32 KB pieces without splitting surrogate pairs', () => {
    const text = '😀'.repeat(100_000);
    const pieces = splitDeltas(text);
    expect(pieces.join('')).toBe(text);
    expect(pieces.length).toBeGreaterThan(5);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(32 * 1024 + 1);
      expect(piece.codePointAt(0)).toBe(0x1f600);
    }
  });
});

function entry(i: number): RecordedRequest {
  return { method: 'GET', path: `/${i}`, headers: {}, rawHeaders: [], body: '', json: undefined, time: i };
}

describe('RequestLog', () => {
  it('keeps the newest entries, oldest first, once full', () => {
    const log = new RequestLog(3);
    for (let i = 1; i <= 5; i++) log.add(entry(i));
    expect(log.list().map((r) => r.path)).toEqual(['/3', '/4', '/5']);
    expect(log.size).toBe(3);
    expect(log.clear()).toBe(3);
    log.add(entry(6));
    expect(log.list().map((r) => r.path)).toEqual(['/6']);
  });
});

function stored(id: string, size: number): { response: ResponseObject; inputItems: []; obfuscate: boolean; size: number } {
  const response: ResponseObject = { id, object: 'response', created_at: 0, status: 'completed', completed_at: 0, model: 'm', output: [] };
  return { response, inputItems: [], obfuscate: true, size };
}

describe('ResponseStore', () => {
  it('evicts the least recently used entry past the count bound', () => {
    const store = new ResponseStore(2, 1000);
    store.put(stored('a', 1));
    store.put(stored('b', 1));
    expect(store.get('a')).toBeDefined();
    store.put(stored('c', 1));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBeDefined();
    expect(store.get('c')).toBeDefined();
  });

  it('evicts by size and refuses an entry bigger than the whole bound', () => {
    const store = new ResponseStore(10, 100);
    store.put(stored('a', 60));
    store.put(stored('b', 60));
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(1);
    store.put(stored('huge', 101));
    expect(store.get('huge')).toBeUndefined();
    expect(store.delete('b')).toBe(true);
    expect(store.delete('b')).toBe(false);
  });
});
