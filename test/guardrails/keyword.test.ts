// Keyword guardrails: literals are case-insensitive substrings, regexes keep their flags, the
// first matching rule (in file order) is the one reported, and the matched text is not echoed.
import { chatProtocol, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { keyword } from './fixtures.js';

const opts = { bufferCapBytes: 1 << 20 };

describe('keyword guardrail', () => {
  it('matches literals case-insensitively as substrings', () => {
    const chain = buildGuardrailChain([keyword('no-codenames', ['Project Falcon'])], opts);
    for (const input of ['about PROJECT FALCON', 'xproject falconx', 'project falcon']) {
      expect(chain.checkRequest(responsesProtocol, { input }).blocked, input).toEqual({ guardrail: 'no-codenames', rule: 'Project Falcon' });
    }
    expect(chain.checkRequest(responsesProtocol, { input: 'project  falcon' }).blocked).toBeNull();
  });
  it('matches non-ASCII literals case-insensitively', () => {
    const chain = buildGuardrailChain([keyword('k', ['ÉTÉ'])], opts);
    expect(chain.checkRequest(chatProtocol, { messages: [{ role: 'user', content: 'un été chaud' }] }).blocked).not.toBeNull();
  });
  it('compiles regexes with their translated flags', () => {
    const sensitive = buildGuardrailChain([keyword('k', [{ re: 'internal[-_ ]only' }])], opts);
    const insensitive = buildGuardrailChain([keyword('k', [{ re: 'internal[-_ ]only', flags: 'i' }])], opts);
    expect(sensitive.checkRequest(responsesProtocol, { input: 'INTERNAL-ONLY' }).blocked).toBeNull();
    expect(sensitive.checkRequest(responsesProtocol, { input: 'internal_only' }).blocked).toEqual({ guardrail: 'k', rule: 'internal[-_ ]only' });
    expect(insensitive.checkRequest(responsesProtocol, { input: 'INTERNAL-ONLY' }).blocked).not.toBeNull();
    const multiline = buildGuardrailChain([keyword('k', [{ re: '^secret$', flags: 'm' }])], opts);
    expect(multiline.checkRequest(responsesProtocol, { input: 'a\nsecret\nb' }).blocked).not.toBeNull();
  });
  it('reports the first matching rule in pattern order, not in text order', () => {
    const chain = buildGuardrailChain([keyword('k', ['zulu', { re: 'al+pha' }, 'alpha'])], opts);
    const v = chain.checkRequest(responsesProtocol, { input: 'alpha then zulu' });
    expect(v.blocked).toEqual({ guardrail: 'k', rule: 'zulu' });
    expect(v.hits).toEqual([{ name: 'k', stage: 'input', action: 'block', rule: 'zulu' }]);
  });
  it('regex rules report the pattern, never the matched text', () => {
    const chain = buildGuardrailChain([keyword('k', [{ re: 'pass\\w+' }])], opts);
    const v = chain.checkRequest(responsesProtocol, { input: 'my password' });
    expect(JSON.stringify(v)).not.toContain('password');
    expect(v.blocked?.rule).toBe('pass\\w+');
  });
  it('does not carry regex state between checks', () => {
    const chain = buildGuardrailChain([keyword('k', [{ re: 'foo', flags: 'i' }])], opts);
    expect(chain.checkRequest(responsesProtocol, { input: 'foo' }).blocked).not.toBeNull();
    expect(chain.checkRequest(responsesProtocol, { input: 'foo' }).blocked).not.toBeNull();
  });
  it('throws at build time on a regex that does not compile, naming the guardrail', () => {
    expect(() => buildGuardrailChain([keyword('bad-one', [{ re: '(' }])], opts)).toThrow(/bad-one/);
  });
});
