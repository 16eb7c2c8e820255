// The built-in pii detectors: one module-level regex each (compiled once per process) plus the
// checks a regex cannot express (Luhn, ISO 7064 MOD 11-2, a JWT header that decodes to JSON).
// Boundaries are lookarounds so a scan never restarts inside a run of the same characters.
import type { PiiDetectorType } from '../config/types.js';

export interface DetectorDef {
  /** global; shared by every guardrail (each use resets lastIndex and runs to completion) */
  regex: RegExp;
  validate?: (match: string) => boolean;
  mightMatch?: (text: string) => boolean;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = `(?<!\\d|\\d\\.)(?:${OCTET}\\.){3}${OCTET}(?!\\.?\\d)`;
const HEX = '[0-9A-Fa-f]{1,4}';
const IPV6 = `(?<![0-9A-Fa-f:])(?:(?:${HEX}:){7}${HEX}|(?:${HEX}:){1,6}:(?:${HEX}:){0,5}${HEX})(?![0-9A-Fa-f:])`;

/** Luhn over the digits of a card number written with optional spaces or dashes. */
export function luhnValid(candidate: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = candidate.length - 1; i >= 0; i--) {
    const d = candidate.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    const v = double ? d * 2 : d;
    sum += v > 9 ? v - 9 : v;
    double = !double;
  }
  return sum % 10 === 0;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** China resident id: 17 digits weighted, ISO 7064 MOD 11-2 check character (X = 10). */
export function chinaIdValid(candidate: string): boolean {
  if (candidate.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (candidate.charCodeAt(i) - 48) * (ID_WEIGHTS[i] as number);
  return ID_CHECK[sum % 11] === candidate[17]?.toUpperCase();
}

/** A JWT's first segment must be base64url JSON of an object (`{"alg":…}`). */
export function jwtHeaderValid(candidate: string): boolean {
  const header = candidate.slice(0, candidate.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** IPv6 candidates need a digit (`a::b` is C++, not an address) and at most 8 groups. */
function ipValid(candidate: string): boolean {
  if (!candidate.includes(':')) return true;
  const groups = candidate.split(/:+/).length;
  return /\d/.test(candidate) && groups <= (candidate.includes('::') ? 7 : 8);
}

export const DETECTORS: Readonly<Record<PiiDetectorType, DetectorDef>> = {
  email: {
    regex: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/g,
    mightMatch: (t) => t.includes('@'),
  },
  us_ssn: {
    regex: /(?<!\d)(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?!\d)/g,
  },
  bank_card: {
    regex: /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g,
    validate: luhnValid,
  },
  ip_address: {
    regex: new RegExp(`${IPV4}|${IPV6}`, 'g'),
    validate: ipValid,
  },
  api_key: {
    regex:
      /(?<![A-Za-z0-9_-])(?:sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}|xox[a-z]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g,
  },
  jwt: {
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g,
    validate: jwtHeaderValid,
    mightMatch: (t) => t.includes('eyJ'),
  },
  private_key: {
    regex:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|[\s\S]*)/g,
    mightMatch: (t) => t.includes('PRIVATE KEY-----'),
  },
  china_mobile: {
    regex: /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)/g,
  },
  china_id_card: {
    regex: /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g,
    validate: chinaIdValid,
  },
};
