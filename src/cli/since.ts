// `aisix stats --since T` (DESIGN §13): an ISO 8601 time or a duration back from now, as the epoch
// milliseconds a request's `time` must reach to count. A time without an offset is UTC, like the
// times in the request log and the days `--by day` shows. Anything else throws a readable reason.

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
// 2026-05-01, 2026-05-01T10:00, 2026-05-01T10:00:00.123, each optionally with Z or ±hh:mm / ±hhmm
const ISO = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(Z|[+-]\d\d:?\d\d)?)?$/i;

export const SINCE_HELP = 'an ISO 8601 time (UTC unless it has an offset), or a duration back from now: 30m, 24h, 7d (s, m, h, d, w)';

/** The earliest request time to count, in epoch ms; throws an Error saying what is expected. */
export function parseSince(value: string, now: number = Date.now()): number {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration !== null) return now - Number(duration[1]) * (UNIT_MS[duration[2] ?? ''] ?? Number.NaN);
  const time = isoTime(text);
  if (time === null) throw new Error(`expected ${SINCE_HELP}.`);
  return time;
}

function isoTime(text: string): number | null {
  const m = ISO.exec(text);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const millis = Number(`0.${m[7] ?? '0'}`) * 1000;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(millis));
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-30 over into March: refuse dates and times that do not exist
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const offset = offsetMs(m[8]);
  return offset === null ? null : utc - offset;
}

/** `Z` or none → 0; `+02:00` → 2 h; null for an offset that does not exist (+25:00) */
function offsetMs(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return null;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}
