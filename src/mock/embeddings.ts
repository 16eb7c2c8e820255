// `/v1/embeddings` bodies: reading `input` (a string, strings, a token array or token arrays),
// `encoding_format` and `dimensions`, and the deterministic vectors: each input's text (or
// tokens) seeds a PRNG whose `dimensions` floats are scaled to unit length, as float32 values.
import { invalidParameter, missingParameter, type ErrorEnvelope } from './errors.js';
import type { JsonObject } from './json.js';
import { countWords } from './words.js';

export const DEFAULT_DIMENSIONS = 8;
export const MAX_DIMENSIONS = 8192;
/** OpenAI's limit on inputs per request */
export const MAX_INPUTS = 2048;

export type EncodingFormat = 'float' | 'base64';

/** One input to embed: what seeds its vector and how many tokens it counts for. */
export interface EmbeddingInput {
  seed: string;
  tokens: number;
}

export interface EmbeddingRequest {
  inputs: EmbeddingInput[];
  format: EncodingFormat;
  dimensions: number;
}

const INPUT_SHAPE = 'expected a non-empty string, an array of non-empty strings, an array of token integers, or an array of non-empty token arrays.';

function isToken(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** A token array as an input (`tokens:1 2 3`, which no text's seed can equal); undefined when invalid. */
function tokenInput(items: readonly unknown[]): EmbeddingInput | undefined {
  if (items.length === 0) return undefined;
  let seed = 'tokens:';
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isToken(item)) return undefined;
    seed += i === 0 ? String(item) : ' ' + String(item);
  }
  return { seed, tokens: items.length };
}

function textInput(text: string): EmbeddingInput {
  return { seed: 'text:' + text, tokens: countWords(text) };
}

/** Every input of `input`, or undefined when it has none of the four accepted shapes. */
function readInputs(input: unknown): EmbeddingInput[] | undefined {
  if (typeof input === 'string') return input.length > 0 ? [textInput(input)] : undefined;
  if (!Array.isArray(input) || input.length === 0 || input.length > MAX_INPUTS) return undefined;
  const first: unknown = input[0];
  if (typeof first === 'number') {
    const one = tokenInput(input);
    return one === undefined ? undefined : [one];
  }
  const inputs: EmbeddingInput[] = [];
  for (const item of input) {
    if (typeof first === 'string' && typeof item === 'string' && item.length > 0) inputs.push(textInput(item));
    else if (Array.isArray(first) && Array.isArray(item)) {
      const tokens = tokenInput(item);
      if (tokens === undefined) return undefined;
      inputs.push(tokens);
    } else return undefined;
  }
  return inputs;
}

function readFormat(value: unknown): EncodingFormat | undefined {
  if (value === undefined || value === null || value === 'float') return 'float';
  return value === 'base64' ? 'base64' : undefined;
}

function readDimensions(value: unknown): number | undefined {
  if (value === undefined || value === null) return DEFAULT_DIMENSIONS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DIMENSIONS) return undefined;
  return value;
}

/** The request's inputs and options, or the 400 envelope that rejects it (`model` is checked by the route). */
export function readEmbeddingRequest(body: JsonObject): EmbeddingRequest | ErrorEnvelope {
  if (body.input === undefined || body.input === null) return missingParameter('input');
  const inputs = readInputs(body.input);
  if (inputs === undefined) return invalidParameter('input', INPUT_SHAPE);
  const format = readFormat(body.encoding_format);
  if (format === undefined) return invalidParameter('encoding_format', "expected 'float' or 'base64'.");
  const dimensions = readDimensions(body.dimensions);
  if (dimensions === undefined) return invalidParameter('dimensions', `expected an integer from 1 to ${MAX_DIMENSIONS}.`);
  return { inputs, format, dimensions };
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small deterministic PRNG, floats in [0, 1). */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The unit-length vector of `seed`, `dimensions` float32 values: the same seed, the same vector. */
export function embeddingVector(seed: string, dimensions: number): Float32Array {
  const next = prng(fnv1a(seed));
  const raw = new Float64Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    const value = next() * 2 - 1;
    raw[i] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 1;
  const vector = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) vector[i] = (raw[i] ?? 0) * scale;
  return vector;
}

/** Little-endian float32 bytes, base64: what `encoding_format: "base64"` carries. */
export function base64Floats(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i] ?? 0, i * 4);
  return bytes.toString('base64');
}

export interface EmbeddingList {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number };
}

/** The answer body; no `usage` key when `withUsage` is false (`mock-no-usage`). */
export function embeddingList(request: EmbeddingRequest, model: string, withUsage: boolean): EmbeddingList {
  let tokens = 0;
  const data = request.inputs.map((input, index) => {
    tokens += input.tokens;
    const vector = embeddingVector(input.seed, request.dimensions);
    const embedding = request.format === 'base64' ? base64Floats(vector) : Array.from(vector);
    return { object: 'embedding' as const, index, embedding };
  });
  const list: EmbeddingList = { object: 'list', data, model };
  if (withUsage) list.usage = { prompt_tokens: tokens, total_tokens: tokens };
  return list;
}
