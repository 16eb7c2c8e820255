// The chain as a whole: file order (first block wins; masks feed later guardrails; monitor never
// masks), enabled/hook_point/mode filtering, and the derived inputActive/outputPolicy/cap.
import { chatProtocol, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { keyword, pii } from './fixtures.js';

const opts = { bufferCapBytes: 100_000 };

describe('chain order', () => {
  it('the first blocking guardrail in file order wins and stops the chain', () => {
    const chain = buildGuardrailChain([keyword('first', ['beta']), keyword('second', ['alpha'])], opts);
    const v = chain.checkRequest(responsesProtocol, { input: 'alpha beta' });
    expect(v.blocked).toEqual({ guardrail: 'first', rule: 'beta' });
    expect(v.hits.map((h) => h.name)).toEqual(['first']);
  });
  it('a mask is seen by later guardrails (they scan the masked text)', () => {
    const masksFirst = buildGuardrailChain([pii('mask-email', { detectors: ['email'] }), keyword('no-at', ['@'])], opts);
    const v = masksFirst.checkRequest(responsesProtocol, { input: 'write to bob@example.com' });
    expect(v.blocked).toBeNull();
    expect(v.body?.input).toBe('write to [EMAIL_REDACTED]');
    const redacted = buildGuardrailChain([pii('mask-email', { detectors: ['email'] }), keyword('no-redactions', ['email_redacted'])], opts);
    const w = redacted.checkRequest(responsesProtocol, { input: 'write to bob@example.com' });
    expect(w.blocked).toEqual({ guardrail: 'no-redactions', rule: 'email_redacted' });
    expect(w.hits.map((h) => `${h.name}:${h.action}`)).toEqual(['mask-email:mask', 'no-redactions:block']);
  });
  it('a keyword guardrail before the mask still sees the original text', () => {
    const chain = buildGuardrailChain([keyword('no-at', ['@']), pii('mask-email', { detectors: ['email'] })], opts);
    expect(chain.checkRequest(responsesProtocol, { input: 'bob@example.com' }).blocked?.guardrail).toBe('no-at');
  });
  it('monitor mode records every rule that would fire and changes nothing', () => {
    const chain = buildGuardrailChain(
      [
        pii('watch', { mode: 'monitor', detectors: ['email', ['us_ssn', 'block'], 'ip_address'] }),
        keyword('watch-words', ['alpha', 'beta'], { mode: 'monitor' }),
      ],
      opts,
    );
    const v = chain.checkRequest(responsesProtocol, { input: 'alpha beta a@example.com 123-45-6789' });
    expect(v.blocked).toBeNull();
    expect(v.body).toBeNull();
    expect(v.hits).toEqual([
      { name: 'watch', stage: 'input', action: 'monitor', rule: 'email' },
      { name: 'watch', stage: 'input', action: 'monitor', rule: 'us_ssn' },
      { name: 'watch-words', stage: 'input', action: 'monitor', rule: 'alpha' },
    ]);
  });
  it('a monitor before a block records its hit and the block still happens', () => {
    const chain = buildGuardrailChain([keyword('m', ['x'], { mode: 'monitor' }), keyword('b', ['x'])], opts);
    const v = chain.checkRequest(responsesProtocol, { input: 'x' });
    expect(v.blocked?.guardrail).toBe('b');
    expect(v.hits.map((h) => h.action)).toEqual(['monitor', 'block']);
  });
});

describe('filtering', () => {
  it('skips disabled guardrails and inert ones', () => {
    const chain = buildGuardrailChain([keyword('off', ['x'], { enabled: false }), keyword('empty', []), pii('none', {})], opts);
    expect(chain.inputActive).toBe(false);
    expect(chain.outputPolicy).toBe('none');
    expect(chain.checkRequest(responsesProtocol, { input: 'x' }).blocked).toBeNull();
  });
  it('hook_point input runs only on requests, output only on responses', () => {
    const chain = buildGuardrailChain([keyword('in', ['alpha'], { hookPoint: 'input' }), keyword('out', ['beta'], { hookPoint: 'output' })], opts);
    expect(chain.checkRequest(responsesProtocol, { input: 'beta' }).blocked).toBeNull();
    expect(chain.checkRequest(responsesProtocol, { input: 'alpha' }).blocked?.guardrail).toBe('in');
    const reply = (text: string) => ({ output: [{ type: 'message', content: [{ type: 'output_text', text }] }] });
    expect(chain.checkResponse(responsesProtocol, reply('alpha')).blocked).toBeNull();
    expect(chain.checkResponse(responsesProtocol, reply('beta')).blocked?.guardrail).toBe('out');
    expect(chain.checkResponse(responsesProtocol, reply('beta')).hits[0]?.stage).toBe('output');
  });
});

describe('derived policy', () => {
  it('inputActive follows input hooks', () => {
    expect(buildGuardrailChain([keyword('k', ['x'], { hookPoint: 'output' })], opts).inputActive).toBe(false);
    expect(buildGuardrailChain([keyword('k', ['x'], { hookPoint: 'both', mode: 'monitor' })], opts).inputActive).toBe(true);
  });
  it('outputPolicy: hold for block-mode output guardrails (mask-only pii too), monitor when only monitors', () => {
    expect(buildGuardrailChain([keyword('k', ['x'], { hookPoint: 'input' })], opts).outputPolicy).toBe('none');
    expect(buildGuardrailChain([keyword('k', ['x'], { mode: 'monitor' })], opts).outputPolicy).toBe('monitor');
    expect(buildGuardrailChain([keyword('k', ['x'], { mode: 'monitor' }), keyword('b', ['y'])], opts).outputPolicy).toBe('hold');
    expect(buildGuardrailChain([pii('p', { detectors: [['email', 'mask']] })], opts).outputPolicy).toBe('hold');
    expect(buildGuardrailChain([pii('p', { detectors: ['email'], hookPoint: 'input' })], opts).outputPolicy).toBe('none');
  });
  it('holdCapBytes is the smaller of the buffer cap and holding pii guardrails’ max_buffer_bytes', () => {
    expect(buildGuardrailChain([keyword('k', ['x'])], opts).holdCapBytes).toBe(100_000);
    expect(buildGuardrailChain([pii('p', { detectors: ['email'], maxBufferBytes: 4096 })], opts).holdCapBytes).toBe(4096);
    expect(buildGuardrailChain([pii('p', { detectors: ['email'], maxBufferBytes: 500_000 })], opts).holdCapBytes).toBe(100_000);
    const ignored = [
      pii('monitor', { detectors: ['email'], maxBufferBytes: 10, mode: 'monitor' }),
      pii('input-only', { detectors: ['email'], maxBufferBytes: 20, hookPoint: 'input' }),
      pii('off', { detectors: ['email'], maxBufferBytes: 30, enabled: false }),
      keyword('k', ['x']),
    ];
    expect(buildGuardrailChain(ignored, opts).holdCapBytes).toBe(100_000);
  });
});
