// The mock's token accounting, deterministic so tests can predict it (README-models.md):
// input = words of the input texts, output = words of the output text; `mock-reasoning` adds a
// 64-token cached prompt prefix to the input and 32 reasoning tokens to the output.
import { countWords } from './words.js';

export const REASONING_CACHED_TOKENS = 64;
export const REASONING_TOKENS = 32;

export interface TokenCounts {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

export function countTokens(inputTexts: readonly string[], outputText: string, reasoning: boolean): TokenCounts {
  let input = 0;
  for (const text of inputTexts) input += countWords(text);
  const output = countWords(outputText);
  if (!reasoning) return { input, cached: 0, output, reasoning: 0 };
  return {
    input: input + REASONING_CACHED_TOKENS,
    cached: REASONING_CACHED_TOKENS,
    output: output + REASONING_TOKENS,
    reasoning: REASONING_TOKENS,
  };
}

export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function responsesUsage(t: TokenCounts): ResponsesUsage {
  return {
    input_tokens: t.input,
    input_tokens_details: { cached_tokens: t.cached },
    output_tokens: t.output,
    output_tokens_details: { reasoning_tokens: t.reasoning },
    total_tokens: t.input + t.output,
  };
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export function chatUsage(t: TokenCounts): ChatUsage {
  return {
    prompt_tokens: t.input,
    completion_tokens: t.output,
    total_tokens: t.input + t.output,
    prompt_tokens_details: { cached_tokens: t.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: t.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
