// Guardrail attachments (DESIGN.md §10) through the real loader, gateway and mock: with a
// `guardrail_attachments` collection a guardrail applies only where attached — `env` everywhere,
// `model` to requests naming that alias, `api_key` to that caller — and an unattached or
// disabled-attachment one does nothing; without the collection every guardrail is global (and the
// loader warns that newer AISIX needs attachments). Blocks never reach the upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedFor, requestIdOf } from '../helpers/finished.js';
import { postResponses, rawRequest, type RawResponse } from '../helpers/http.js';
import { apiKey, CALLER_KEY, configYaml, DEFAULT_MODELS, keywordGuardrail, model, startStack, type Stack } from '../helpers/stack.js';

const OTHER_KEY = 'sk-other-caller';

const GUARDRAILS = [
  keywordGuardrail('everywhere', ['alpha-word']),
  keywordGuardrail('model-only', ['beta-word']),
  keywordGuardrail('caller-only', ['gamma-word']),
  keywordGuardrail('unattached', ['delta-word']),
  keywordGuardrail('switched-off', ['epsilon-word']),
];

function send(s: Stack, text: string, alias = 'gpt', key = CALLER_KEY): Promise<RawResponse> {
  return postResponses(s.url, { model: alias, input: text }, { authorization: `Bearer ${key}` });
}

describe('with a guardrail_attachments collection', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { OTHER_KEY },
      yaml: configYaml({
        models: [...DEFAULT_MODELS, model('guarded', 'mock-echo')],
        api_keys: [apiKey('dev', 'CALLER_KEY'), apiKey('other', 'OTHER_KEY')],
        guardrails: GUARDRAILS,
        guardrail_attachments: [
          { guardrail_id: 'everywhere', scope_type: 'env', priority: 10 },
          { guardrail_id: 'model-only', scope_type: 'model', scope_id: 'guarded', priority: 5 },
          { guardrail_id: 'caller-only', scope_type: 'api_key', scope_id: 'other', priority: 5 },
          { guardrail_id: 'switched-off', scope_type: 'env', priority: 1, enabled: false },
        ],
      }),
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('an env attachment applies to every model and caller', async () => {
    for (const [alias, key] of [['gpt', CALLER_KEY], ['guarded', CALLER_KEY], ['gpt', OTHER_KEY]] as const) {
      const res = await send(stack, 'say alpha-word', alias, key);
      expect(res.status).toBe(422);
      expect(res.body).toContain("guardrail 'everywhere'");
    }
  });

  it('a model attachment applies to requests naming that alias only', async () => {
    expect((await send(stack, 'say beta-word', 'guarded')).status).toBe(422);
    expect((await send(stack, 'say beta-word', 'guarded', OTHER_KEY)).status).toBe(422);
    expect((await send(stack, 'say beta-word', 'gpt')).status).toBe(200);
  });

  it('an api_key attachment applies to that caller only', async () => {
    const blocked = await send(stack, 'say gamma-word', 'gpt', OTHER_KEY);
    expect(blocked.status).toBe(422);
    expect((await finishedFor(stack, requestIdOf(blocked))).guardrails).toEqual([{ name: 'caller-only', stage: 'input', action: 'block', rule: 'gamma-word' }]);
    expect((await send(stack, 'say gamma-word', 'gpt', CALLER_KEY)).status).toBe(200);
  });

  it('an unattached guardrail and a disabled attachment do nothing', async () => {
    expect((await send(stack, 'say delta-word and epsilon-word', 'guarded', OTHER_KEY)).status).toBe(200);
  });

  it('applies to chat completions the same way, and blocks never reach the upstream', async () => {
    const before = stack.mock.requests().length;
    const res = await rawRequest(stack.url, {
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${CALLER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'guarded', messages: [{ role: 'user', content: 'beta-word' }] }),
    });
    expect(res.status).toBe(422);
    expect(stack.mock.requests().length).toBe(before);
  });
});

describe('without the collection', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ yaml: configYaml({ guardrails: GUARDRAILS }) });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('every enabled guardrail is global, and the loader says newer AISIX needs attachments', async () => {
    for (const word of ['alpha-word', 'beta-word', 'gamma-word', 'delta-word', 'epsilon-word']) {
      expect((await send(stack, `say ${word}`)).status).toBe(422);
    }
    expect(stack.warnings.map((w) => w.message).join('\n')).toContain('guardrail_attachments');
  });
});
