// The live-stream collector for monitor-only output guardrails: frames are pushed as the gateway's
// side parser reads them, and scan() reports monitor hits — never blocks, never masks.
import { chatProtocol, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { SseFrameParser, type SseFrame } from '../../src/sse/frame-parser.js';
import { chatSse, keyword, pii, responsesSse, textTurn } from './fixtures.js';

function frames(body: Buffer): SseFrame[] {
  const out: SseFrame[] = [];
  const parser = new SseFrameParser((f) => out.push(f));
  parser.push(body);
  parser.end();
  return out;
}

describe('stream collector', () => {
  it('records monitor hits for text split across deltas', () => {
    const chain = buildGuardrailChain([keyword('watch', ['leakedsecret'], { mode: 'monitor' }), pii('pii', { detectors: ['email'], mode: 'monitor' })], {
      bufferCapBytes: 1024,
    });
    expect(chain.outputPolicy).toBe('monitor');
    const collector = chain.createStreamCollector(responsesProtocol);
    for (const f of frames(responsesSse(textTurn(['leaked', 'secret to a@exam', 'ple.com'], { doneCopies: false, terminal: false })))) collector.push(f);
    expect(collector.scan()).toEqual([
      { name: 'watch', stage: 'output', action: 'monitor', rule: 'leakedsecret' },
      { name: 'pii', stage: 'output', action: 'monitor', rule: 'email' },
    ]);
  });
  it('reports block-mode members as monitor hits (a live stream is never blocked)', () => {
    const chain = buildGuardrailChain([keyword('kw', ['leakedsecret'])], { bufferCapBytes: 1024 });
    const collector = chain.createStreamCollector(chatProtocol);
    for (const f of frames(chatSse([{ choices: [{ index: 0, delta: { content: 'leaked' } }] }, { choices: [{ index: 0, delta: { content: 'secret' } }] }]))) collector.push(f);
    expect(collector.scan()).toEqual([{ name: 'kw', stage: 'output', action: 'monitor', rule: 'leakedsecret' }]);
  });
  it('returns nothing for a clean stream or a chain without output guardrails', () => {
    const chain = buildGuardrailChain([keyword('kw', ['leakedsecret'], { mode: 'monitor' })], { bufferCapBytes: 1024 });
    const clean = chain.createStreamCollector(responsesProtocol);
    for (const f of frames(responsesSse(textTurn(['all good'])))) clean.push(f);
    expect(clean.scan()).toEqual([]);
    const none = buildGuardrailChain([keyword('kw', ['leakedsecret'], { hookPoint: 'input' })], { bufferCapBytes: 1024 }).createStreamCollector(responsesProtocol);
    for (const f of frames(responsesSse(textTurn(['leakedsecret'])))) none.push(f);
    expect(none.scan()).toEqual([]);
  });
});
