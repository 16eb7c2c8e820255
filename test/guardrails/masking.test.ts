// Mask rules: default labels, literal replacements (empty deletes, `$` stays literal), capture
// groups narrowing the span to group 1, custom pattern flags, and default_action.
import { chatProtocol, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { pii, type PiiSpec } from './fixtures.js';

function maskInput(spec: PiiSpec, text: string): { text: string; rules: string[] } {
  const chain = buildGuardrailChain([pii('p', spec)], { bufferCapBytes: 1 << 20 });
  const v = chain.checkRequest(responsesProtocol, { input: text });
  expect(v.blocked).toBeNull();
  return { text: v.body === null ? text : String(v.body.input), rules: v.hits.map((h) => `${h.action}:${h.rule}`) };
}

describe('custom pattern masking', () => {
  it('labels with the upper-cased name, non-alphanumerics turned into _', () => {
    const r = maskInput({ custom: [{ name: 'order-id.v2', re: 'ORD-\\d+' }] }, 'see ORD-123 and ORD-9');
    expect(r.text).toBe('see [ORDER_ID_V2_REDACTED] and [ORDER_ID_V2_REDACTED]');
    expect(r.rules).toEqual(['mask:order-id.v2']);
  });
  it('uses the literal replacement, with no $-substitution', () => {
    const r = maskInput({ custom: [{ name: 'acct', re: 'acct (\\d+)', replacement: '$1<$&>' }] }, 'acct 42!');
    expect(r.text).toBe('acct $1<$&>!');
  });
  it('deletes the span when the replacement is empty', () => {
    expect(maskInput({ custom: [{ name: 'tok', re: 'TOKEN_[A-Z]+ ?', replacement: '' }] }, 'a TOKEN_XYZ b').text).toBe('a b');
  });
  it('masks only capture group 1 when the regex has groups', () => {
    const r = maskInput({ custom: [{ name: 'password', re: 'password=(\\w+)' }] }, 'user=bob password=hunter2 ok');
    expect(r.text).toBe('user=bob password=[PASSWORD_REDACTED] ok');
  });
  it('masks the whole match when group 1 did not take part, and ignores non-capturing groups', () => {
    const alt = maskInput({ custom: [{ name: 'k', re: 'key:(\\d+)|secret', replacement: '#' }] }, 'key:12 secret');
    expect(alt.text).toBe('key:# #');
    const nc = maskInput({ custom: [{ name: 'k', re: '(?:pin)\\s\\d{4}', replacement: '#' }] }, 'pin 1234!');
    expect(nc.text).toBe('#!');
  });
  it('honours translated flags (case-insensitive custom pattern)', () => {
    expect(maskInput({ custom: [{ name: 'c', re: 'codename \\w+', flags: 'i', replacement: 'X' }] }, 'CodeName Falcon').text).toBe('X');
    expect(maskInput({ custom: [{ name: 'c', re: 'codename \\w+', replacement: 'X' }] }, 'CodeName Falcon').text).toBe('CodeName Falcon');
  });
  it('ignores empty matches instead of inserting replacements everywhere', () => {
    expect(maskInput({ custom: [{ name: 'z', re: 'x*', replacement: '!' }] }, 'abxxc').text).toBe('ab!c');
  });
  it('is stable across calls (global regexes are reset each time)', () => {
    const chain = buildGuardrailChain([pii('p', { detectors: ['email'] })], { bufferCapBytes: 1 << 20 });
    for (let i = 0; i < 3; i++) {
      expect(chain.checkRequest(responsesProtocol, { input: 'z@example.com' }).body?.input).toBe('[EMAIL_REDACTED]');
    }
  });
});

describe('actions', () => {
  it('default_action applies to rules without their own action', () => {
    const chain = buildGuardrailChain([pii('p', { detectors: ['email', ['us_ssn', 'mask']], defaultAction: 'block' })], {
      bufferCapBytes: 1 << 20,
    });
    expect(chain.checkRequest(responsesProtocol, { input: 'ssn 123-45-6789' }).body?.input).toBe('ssn [US_SSN_REDACTED]');
    expect(chain.checkRequest(responsesProtocol, { input: 'a@example.com' }).blocked).toEqual({ guardrail: 'p', rule: 'email' });
  });
  it('a block rule wins over mask rules of the same guardrail, whatever their order', () => {
    const chain = buildGuardrailChain([pii('p', { detectors: ['email', ['china_id_card', 'block']] })], { bufferCapBytes: 1 << 20 });
    const v = chain.checkRequest(responsesProtocol, { input: 'a@example.com 11010519491231002X' });
    expect(v.blocked).toEqual({ guardrail: 'p', rule: 'china_id_card' });
    expect(v.body).toBeNull();
    expect(v.hits).toEqual([{ name: 'p', stage: 'input', action: 'block', rule: 'china_id_card' }]);
  });
  it('several mask rules each record one hit, however many spans they rewrite', () => {
    const r = maskInput({ detectors: ['email', 'bank_card'] }, 'a@x.io b@y.io 4111111111111111');
    expect(r.text).toBe('[EMAIL_REDACTED] [EMAIL_REDACTED] [BANK_CARD_REDACTED]');
    expect(r.rules).toEqual(['mask:email', 'mask:bank_card']);
  });
});
