// RFC 3339 date-times (`2026-12-31T23:59:59Z`, `2026-12-31T23:59:59.5+02:00`), as AISIX's
// `expires_at` requires: a full date, a time and an explicit offset. Returns epoch ms or null.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** a leap second `:60` is valid RFC 3339; JavaScript dates stop at `:59` */
const LEAP_SECOND = /:60$/;

export function parseRfc3339(text: string): number | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return null;
  if (day < 1 || day > daysInMonth(year, month)) return null;
  const offset = m[8] ?? 'Z';
  if (offset !== 'Z' && offset !== 'z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return null;
  const ms = Date.parse(`${m.slice(1, 4).join('-')}T${m.slice(4, 7).join(':').replace(LEAP_SECOND, ':59')}${m[7] ?? ''}${offset.toUpperCase()}`);
  return Number.isNaN(ms) ? null : ms;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
