// The mock's token accounting, deterministic so tests can predict it (README-models.md):
// input = words of the input texts, output = words of the output text, plus the behaviour's extra
// tokens (a cached prompt prefix and cache writes on the input side, reasoning on the output side),
// written in each wire's usage shape: Responses, Chat Completions and Anthropic Messages.
import type { ExtraTokens } from './behaviours.js';
import { countWords } from './words.js';

export interface TokenCounts {
  /** every input token, cache reads and writes included (OpenAI's `input_tokens`) */
  input: number;
  /** of `input`, read from the prompt cache */
  cached: number;
  /** of `input`, written to the prompt cache */
  cacheWrite: number;
  output: number;
  /** of `output`, spent on reasoning */
  reasoning: number;
}

export function countTokens(inputTexts: readonly string[], outputText: string, extra: ExtraTokens): TokenCounts {
  let words = 0;
  for (const text of inputTexts) words += countWords(text);
  return {
    input: words + extra.cacheRead + extra.cacheWrite,
    cached: extra.cacheRead,
    cacheWrite: extra.cacheWrite,
    output: countWords(outputText) + extra.reasoning,
    reasoning: extra.reasoning,
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

/** Anthropic's `usage`: `input_tokens` leaves out the cache reads and writes, which have their own keys. */
export interface MessagesUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
}

/** The usage of a Message; a stream's `message_start` passes its first `output_tokens` (0 or 1). */
export function messagesUsage(t: TokenCounts, outputTokens = t.output): MessagesUsage {
  return {
    input_tokens: t.input - t.cached - t.cacheWrite,
    cache_creation_input_tokens: t.cacheWrite,
    cache_read_input_tokens: t.cached,
    cache_creation: { ephemeral_5m_input_tokens: t.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/** The cumulative usage a `message_delta` event carries. */
export interface MessageDeltaUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export function messageDeltaUsage(t: TokenCounts): MessageDeltaUsage {
  return {
    input_tokens: t.input - t.cached - t.cacheWrite,
    cache_creation_input_tokens: t.cacheWrite,
    cache_read_input_tokens: t.cached,
    output_tokens: t.output,
  };
}
