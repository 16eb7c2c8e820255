// `/v1/moderations` bodies: reading `input` (a string, strings, or one multi-modal array of
// text and image_url parts) and classifying it: an input is flagged, category `violence`, when its
// text holds the word "violence" (any case, as a whole word); images are never flagged.
import { invalidParameter, missingParameter, type ErrorEnvelope } from './errors.js';
import { isObject, stringAt } from './json.js';
import { countWords } from './words.js';

export const DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';
const TRIGGER = 'violence';

/** OpenAI's categories, in its order; `image` marks the ones omni-moderation also scores on images. */
const CATEGORIES: readonly { name: string; image: boolean }[] = [
  { name: 'harassment', image: false },
  { name: 'harassment/threatening', image: false },
  { name: 'hate', image: false },
  { name: 'hate/threatening', image: false },
  { name: 'illicit', image: false },
  { name: 'illicit/violent', image: false },
  { name: 'self-harm', image: true },
  { name: 'self-harm/intent', image: true },
  { name: 'self-harm/instructions', image: true },
  { name: 'sexual', image: true },
  { name: 'sexual/minors', image: false },
  { name: 'violence', image: true },
  { name: 'violence/graphic', image: true },
];

export const FLAGGED_SCORE = 0.9;
export const CLEAR_SCORE = 0.0001;

/** One input to classify: its text (parts joined with "\n") and whether it had images. */
export interface ModerationInput {
  text: string;
  hasText: boolean;
  hasImage: boolean;
}

const INPUT_SHAPE =
  'expected a string, an array of strings, or an array of {"type":"text","text":…} and {"type":"image_url","image_url":{"url":…}} parts.';

function textOnly(text: string): ModerationInput {
  return { text, hasText: true, hasImage: false };
}

/** A multi-modal array is one input (one result), as OpenAI answers it. */
function multiModal(parts: readonly unknown[]): ModerationInput | undefined {
  const texts: string[] = [];
  let hasImage = false;
  for (const part of parts) {
    if (!isObject(part)) return undefined;
    const text = part.type === 'text' ? stringAt(part, 'text') : undefined;
    if (text !== undefined) texts.push(text);
    else if (part.type === 'image_url' && isObject(part.image_url) && stringAt(part.image_url, 'url') !== undefined) hasImage = true;
    else return undefined;
  }
  return { text: texts.join('\n'), hasText: texts.length > 0, hasImage };
}

/** The inputs of the body, or the 400 envelope that rejects it. */
export function readModerationInputs(input: unknown): ModerationInput[] | ErrorEnvelope {
  if (input === undefined || input === null) return missingParameter('input');
  if (typeof input === 'string') return [textOnly(input)];
  if (!Array.isArray(input) || input.length === 0) return invalidParameter('input', INPUT_SHAPE);
  if (isObject(input[0])) {
    const one = multiModal(input);
    return one === undefined ? invalidParameter('input', INPUT_SHAPE) : [one];
  }
  const inputs: ModerationInput[] = [];
  for (const item of input) {
    if (typeof item !== 'string') return invalidParameter('input', INPUT_SHAPE);
    inputs.push(textOnly(item));
  }
  return inputs;
}

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** True when `text` has "violence" as a whole word, in any case. */
export function mentionsViolence(text: string): boolean {
  const lower = text.toLowerCase();
  for (let at = lower.indexOf(TRIGGER); at >= 0; at = lower.indexOf(TRIGGER, at + 1)) {
    const end = at + TRIGGER.length;
    const before = at === 0 || !isWordChar(lower.charCodeAt(at - 1));
    const after = end === lower.length || !isWordChar(lower.charCodeAt(end));
    if (before && after) return true;
  }
  return false;
}

export interface ModerationResult {
  flagged: boolean;
  categories: Record<string, boolean>;
  category_scores: Record<string, number>;
  category_applied_input_types: Record<string, string[]>;
}

export function classify(input: ModerationInput): ModerationResult {
  const violent = input.hasText && mentionsViolence(input.text);
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const category of CATEGORIES) {
    const hit = violent && category.name === TRIGGER;
    categories[category.name] = hit;
    scores[category.name] = hit ? FLAGGED_SCORE : CLEAR_SCORE;
    const types: string[] = [];
    if (input.hasText) types.push('text');
    if (input.hasImage && category.image) types.push('image');
    applied[category.name] = types;
  }
  return { flagged: violent, categories, category_scores: scores, category_applied_input_types: applied };
}

/** Prompt tokens of the inputs: the words of their text (images count nothing). */
export function moderationTokens(inputs: readonly ModerationInput[]): number {
  let tokens = 0;
  for (const input of inputs) tokens += countWords(input.text);
  return tokens;
}
