// The model endpoints as data: what differs between POST /v1/responses and POST
// /v1/chat/completions (who may serve them, where usage and ids live, how streams end). One
// pipeline (handle-model-request.ts) serves both; adding an endpoint means adding a row here.
import type { ProviderKey } from '../config/types.js';
import type { Usage } from '../events/types.js';
import type { WireFormat } from '../guardrails/index.js';
import type { ResolvedModel } from './resolve-model.js';
import { createChatTap, createResponsesTap, type StreamTap } from './stream-tap.js';
import { chatUsage, responsesUsage } from '../wire/usage.js';

export interface ModelEndpoint {
  readonly route: '/v1/responses' | '/v1/chat/completions';
  readonly format: WireFormat;
  /** path below the provider's api_base */
  readonly upstreamEndpoint: string;
  readonly addV1ToBareHost: boolean;
  /** the 400 message when this provider cannot serve the endpoint, else null */
  refuse(resolved: ResolvedModel, key: ProviderKey): string | null;
  /** normalises the endpoint's `usage` object */
  readUsage(usage: unknown): Usage | null;
  createTap(onFirstDelta: () => void): StreamTap;
  /** for streams: asks the upstream for usage when the client did not; true when it did so */
  requestStreamUsage(body: Record<string, unknown>): boolean;
  /** the frame the proxy appends when an upstream stream breaks before its terminal event */
  interruptedFrame(message: string, sequence: number): string;
}

const INTERRUPTED = 'upstream_stream_interrupted';

export const responsesEndpoint: ModelEndpoint = {
  route: '/v1/responses',
  format: 'responses',
  upstreamEndpoint: 'responses',
  addV1ToBareHost: true,
  refuse: ({ alias, model }) =>
    model.provider === 'openai'
      ? null
      : `model "${alias}" uses provider "${model.provider ?? ''}": the local proxy serves /v1/responses for OpenAI providers only; call /v1/chat/completions for this model`,
  readUsage: responsesUsage,
  createTap: createResponsesTap,
  requestStreamUsage: () => false,
  interruptedFrame: (message, sequence) =>
    `event: error\ndata: ${JSON.stringify({ type: 'error', code: INTERRUPTED, message, sequence_number: sequence })}\n\n`,
};

export const chatEndpoint: ModelEndpoint = {
  route: '/v1/chat/completions',
  format: 'chat',
  upstreamEndpoint: 'chat/completions',
  addV1ToBareHost: false,
  refuse: ({ alias, model }, key) =>
    model.provider === 'openai' || key.adapter === 'openai' || key.apiBase !== null
      ? null
      : `model "${alias}" uses provider "${model.provider ?? ''}", which the local proxy cannot reach with the OpenAI wire format; give its provider key \`adapter: openai\` and an \`api_base\``,
  readUsage: chatUsage,
  createTap: createChatTap,
  requestStreamUsage(body) {
    const options = body.stream_options;
    if (typeof options === 'object' && options !== null && (options as Record<string, unknown>).include_usage === true) return false;
    body.stream_options = { ...(typeof options === 'object' && options !== null ? options : {}), include_usage: true };
    return true;
  },
  interruptedFrame: (message) =>
    `event: error\ndata: ${JSON.stringify({ error: { message, type: 'upstream_error', code: INTERRUPTED } })}\n\n`,
};
