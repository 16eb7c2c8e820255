// Each built-in pii detector with true and false positives, through the public chain: a block
// rule tells whether something is detected, a mask rule shows exactly which span is.
import { chatProtocol, responsesProtocol } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import type { PiiDetectorType } from '../../src/config/types.js';
import { buildGuardrailChain } from '../../src/guardrails/index.js';
import { pii } from './fixtures.js';

function detects(type: PiiDetectorType, text: string): boolean {
  const chain = buildGuardrailChain([pii('p', { detectors: [[type, 'block']] })], { bufferCapBytes: 1 << 20 });
  return chain.checkRequest(responsesProtocol, { input: text }).blocked !== null;
}

function masked(type: PiiDetectorType, text: string): string {
  const chain = buildGuardrailChain([pii('p', { detectors: [type] })], { bufferCapBytes: 1 << 20 });
  const body = chain.checkRequest(responsesProtocol, { input: text }).body;
  return body === null ? text : String(body.input);
}

describe('email', () => {
  it('masks addresses, including at the end of a sentence', () => {
    expect(masked('email', 'mail alice@example.com.')).toBe('mail [EMAIL_REDACTED].');
    expect(masked('email', 'a.b+tag@mail.example.co.uk, c@d.io')).toBe('[EMAIL_REDACTED], [EMAIL_REDACTED]');
  });
  it('ignores things that are not addresses', () => {
    for (const t of ['alice@localhost', '@example.com', 'user@ domain.com', 'foo@bar', 'a@b.c1']) {
      expect(detects('email', t), t).toBe(false);
    }
  });
});

describe('us_ssn', () => {
  it('detects valid area/group/serial numbers', () => {
    expect(detects('us_ssn', 'ssn 123-45-6789 ok')).toBe(true);
    expect(detects('us_ssn', 'ssn 123 45 6789')).toBe(true);
    expect(masked('us_ssn', 'x 078-05-1120 y')).toBe('x [US_SSN_REDACTED] y');
  });
  it('rejects reserved ranges, mixed separators and longer digit runs', () => {
    for (const t of ['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '123-00-4567', '123-45-0000', '123-45 6789', '1123-45-6789', '123-45-67890']) {
      expect(detects('us_ssn', t), t).toBe(false);
    }
  });
});

describe('bank_card', () => {
  it('detects Luhn-valid 13–19 digit numbers with optional spaces or dashes', () => {
    for (const t of ['4111111111111111', '4111 1111 1111 1111', '4111-1111-1111-1111', '378282246310005', '6011111111111117', '4222222222222']) {
      expect(detects('bank_card', `card ${t} exp`), t).toBe(true);
    }
    expect(masked('bank_card', 'pay 4111 1111 1111 1111 now')).toBe('pay [BANK_CARD_REDACTED] now');
  });
  it('rejects Luhn failures and wrong lengths', () => {
    for (const t of ['4111111111111112', '4111 1111 1111 1112', '411111111111', '41111111111111111111']) {
      expect(detects('bank_card', `card ${t}`), t).toBe(false);
    }
  });
  it('finds a valid card after a rejected candidate that starts earlier', () => {
    expect(masked('bank_card', 'ref 12-4111111111111111')).toBe('ref 12-[BANK_CARD_REDACTED]');
  });
});

describe('ip_address', () => {
  it('detects IPv4 addresses with octets in range, and common IPv6 forms', () => {
    expect(masked('ip_address', 'host 192.168.1.10.')).toBe('host [IP_ADDRESS_REDACTED].');
    expect(masked('ip_address', 'to 255.255.255.0 and 10.0.0.1')).toBe('to [IP_ADDRESS_REDACTED] and [IP_ADDRESS_REDACTED]');
    expect(masked('ip_address', 'v6 2001:db8:85a3:0:0:8a2e:370:7334 and fe80::1 and 2001:db8::8a2e:370:7334')).toBe(
      'v6 [IP_ADDRESS_REDACTED] and [IP_ADDRESS_REDACTED] and [IP_ADDRESS_REDACTED]',
    );
  });
  it('rejects out-of-range octets, version strings and C++ scopes', () => {
    for (const t of ['256.1.1.1', '1.2.3.400', '1.2.3', 'version 1.2.3.4.5', 'std::cout', 'a::b', '12:30:45']) {
      expect(detects('ip_address', t), t).toBe(false);
    }
  });
});

describe('api_key', () => {
  const samples = [
    'sk-proj-abcdefghijklmnopqrstuvwxyz012345',
    'sk-abcdefghijklmnopqrstuv',
    'AKIAIOSFODNN7EXAMPLE',
    `ghp_${'a1B2'.repeat(9)}`,
    `gho_${'Z9y8'.repeat(9)}`,
    `ghs_${'Q'.repeat(36)}`,
    `github_pat_${'11ABCDEFG0'.repeat(3)}_xyz`,
    'xoxb-1234567890-abcdefghij',
    `AIza${'S'.repeat(35)}`,
  ];
  it('detects each provider prefix', () => {
    for (const key of samples) expect(masked('api_key', `key=${key};`), key).toBe('key=[API_KEY_REDACTED];');
  });
  it('rejects short, embedded or unknown-prefix tokens', () => {
    for (const t of ['sk-learn', 'mask-abcdefghijklmnopqrstuvwxyz', 'AKIA1234', `ghx_${'a'.repeat(36)}`, `ghp_${'a'.repeat(10)}`, `AIza${'S'.repeat(20)}`]) {
      expect(detects('api_key', t), t).toBe(false);
    }
  });
});

describe('jwt', () => {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const payload = Buffer.from('{"sub":"123"}').toString('base64url');
  it('detects three base64url segments whose header is JSON', () => {
    const token = `${header}.${payload}.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`;
    expect(header.startsWith('eyJ')).toBe(true);
    expect(masked('jwt', `Bearer ${token} end`)).toBe('Bearer [JWT_REDACTED] end');
  });
  it('rejects two segments and headers that are not JSON', () => {
    const badHeader = Buffer.from('{"alg" broken').toString('base64url');
    expect(badHeader.startsWith('eyJ')).toBe(true);
    expect(detects('jwt', `${header}.${payload}`)).toBe(false);
    expect(detects('jwt', `${badHeader}.${payload}.c2ln`)).toBe(false);
    expect(detects('jwt', `abc${header}.${payload}.c2ln`)).toBe(false);
  });
});

describe('private_key', () => {
  it('masks a whole PEM block and keeps the text around it', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----';
    expect(masked('private_key', `key:\n${pem}\nthanks`)).toBe('key:\n[PRIVATE_KEY_REDACTED]\nthanks');
  });
  it('masks to the end when the END line never comes', () => {
    expect(masked('private_key', 'x -----BEGIN PRIVATE KEY-----\nMIIE')).toBe('x [PRIVATE_KEY_REDACTED]');
  });
  it('ignores public keys', () => {
    expect(detects('private_key', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----')).toBe(false);
  });
});

describe('china_mobile', () => {
  it('detects 1[3-9] + 9 digits, with or without +86', () => {
    expect(masked('china_mobile', '电话13812345678。')).toBe('电话[CHINA_MOBILE_REDACTED]。');
    expect(masked('china_mobile', 'tel +86 13912345678')).toBe('tel [CHINA_MOBILE_REDACTED]');
  });
  it('rejects other prefixes and longer digit runs', () => {
    for (const t of ['12812345678', '138123456789', '2138123456789', '1381234567']) {
      expect(detects('china_mobile', t), t).toBe(false);
    }
  });
});

describe('china_id_card', () => {
  it('accepts ids whose ISO 7064 MOD 11-2 check character is right (X included)', () => {
    expect(masked('china_id_card', 'id 11010519491231002X.')).toBe('id [CHINA_ID_CARD_REDACTED].');
    expect(detects('china_id_card', '440308199901011234')).toBe(true);
    expect(detects('china_id_card', '11010519491231002x')).toBe(true);
  });
  it('rejects a wrong check character, impossible dates and longer runs', () => {
    for (const t of ['110101199003077578', '110105194912310021', '110105194913310028', '011010519491231002X', '11010519491231002X9']) {
      expect(detects('china_id_card', t), t).toBe(false);
    }
  });
});
