// `aisix stats` (DESIGN §13) as a user runs it: the built bin (`npm run build` first) on a
// hand-written request log with every kind of outcome, streams with and without a TTFT, cached and
// reasoning tokens, priced and unpriced requests, two UTC days, two callers, other event lines, a
// blank line and malformed lines. Exact numbers for every --by, --since (ISO, with an offset, and
// durations against times made relative to now), the --json shape and field order, the table, the
// stdout/stderr split and the exit codes. Plus the pieces: parseSince, parseLogLine, and that the
// command loads neither the gateway nor the UI.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSince } from '../../src/cli/since.js';
import type { RequestFinished } from '../../src/events/types.js';
import { parseLogLine } from '../../src/reporters/log-reader.js';
import type { SummaryJson, SummaryTotals } from '../../src/reporters/summary.js';
import { SRC, staticClosure } from '../helpers/imports.js';
import { BIN } from '../helpers/serve-child.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;
const baseEnv = (): NodeJS.ProcessEnv => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AISIX_')));

function aisix(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? dir, env: { ...baseEnv(), ...options.env }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

let n = 0;
function finished(over: Partial<RequestFinished>): RequestFinished {
  n++;
  return {
    id: `req_${n}`, time: '2026-05-01T12:00:00.000Z', method: 'POST', route: '/v1/responses', caller: 'alice',
    alias: 'chat', provider: 'openai', upstream_model: 'gpt-4o-mini', stream: false, status: 200, outcome: 'ok',
    error_type: null, error_code: null, error_message: null, guardrails: [], usage: null, cost_usd: null,
    latency_ms: 100, upstream_ms: 40, ttft_ms: null, upstream_request_id: null, response_id: null, transport: 'http',
    attempts: [], served_by: null, cache: null, tape: null, fault: null, cost_source: null,
    ...over,
  };
}

const usage = (input: number, output: number, cached = 0, reasoning = 0): RequestFinished['usage'] => ({
  input_tokens: input, output_tokens: output, total_tokens: input + output, cached_tokens: cached, reasoning_tokens: reasoning, cache_creation_tokens: 0,
});
const line = (e: object): string => JSON.stringify({ event: 'request.finished', ...e });

// #  day    caller alias model        status outcome         tokens in/out/cached/reasoning  cost     latency ttft
// 1  05-01  alice  chat  gpt-4o-mini  200    ok              100/50/20/0                     0.001    100     -
// 2  05-01  bob    chat  gpt-4o-mini  200    ok (stream)     200/80/0/30                     0.002    300     50
// 3  05-01  alice  chat  gpt-4o-mini  422    blocked_input   -                               -        5       -
// 4  05-01  bob    fast  gpt-4o       200    blocked_output  40/10/0/0   (stream)            0.0005   200     120
// 5  05-02  bob    fast  gpt-4o       502    upstream_error  -                               -        400     -
// 6  05-02  bob    fast  gpt-4o       429    rate_limited    -                               -        1       -
// 7  05-02  alice  chat  gpt-4o       499    aborted         30/5/0/0    (stream)            -        250     60
// 8  05-02  alice  chat  gpt-4o-mini  404    replay_miss     -                               -        2       -
// 9  05-02  bob    -     -            400    bad_request     -                               -        3       -
// 10 05-02  -      -     -            401    unauthorized    -                               -        1       -
// 11 05-02  bob    fast  gpt-4o       200    ok (stream)     500/100/100/50                  -        600     90
const EVENTS: RequestFinished[] = [
  finished({ time: '2026-05-01T09:00:00.000Z', usage: usage(100, 50, 20, 0), cost_usd: 0.001, cost_source: 'config', latency_ms: 100 }),
  finished({ time: '2026-05-01T10:00:00.000Z', caller: 'bob', stream: true, usage: usage(200, 80, 0, 30), cost_usd: 0.002, cost_source: 'config', latency_ms: 300, ttft_ms: 50 }),
  finished({ time: '2026-05-01T11:00:00.000Z', status: 422, outcome: 'blocked_input', error_type: 'content_filter', guardrails: [{ name: 'no-codenames', stage: 'input', action: 'block', rule: 'Falcon' }], latency_ms: 5 }),
  finished({ time: '2026-05-01T23:59:59.999Z', caller: 'bob', alias: 'fast', upstream_model: 'gpt-4o', stream: true, outcome: 'blocked_output', usage: usage(40, 10), cost_usd: 0.0005, cost_source: 'catalog', latency_ms: 200, ttft_ms: 120 }),
  finished({ time: '2026-05-02T00:00:00.000Z', caller: 'bob', alias: 'fast', upstream_model: 'gpt-4o', status: 502, outcome: 'upstream_error', error_type: 'upstream_error', error_code: 'upstream_500', latency_ms: 400 }),
  finished({ time: '2026-05-02T01:00:00.000Z', caller: 'bob', alias: 'fast', upstream_model: 'gpt-4o', status: 429, outcome: 'rate_limited', error_type: 'rate_limit_exceeded', latency_ms: 1 }),
  finished({ time: '2026-05-02T02:00:00.000Z', upstream_model: 'gpt-4o', stream: true, status: 499, outcome: 'aborted', usage: usage(30, 5), latency_ms: 250, ttft_ms: 60 }),
  finished({ time: '2026-05-02T03:00:00.000Z', status: 404, outcome: 'replay_miss', error_type: 'invalid_request_error', error_code: 'replay_miss', latency_ms: 2 }),
  finished({ time: '2026-05-02T04:00:00.000Z', caller: 'bob', alias: null, provider: null, upstream_model: null, status: 400, outcome: 'bad_request', error_type: 'invalid_request_error', latency_ms: 3 }),
  finished({ time: '2026-05-02T05:00:00.000Z', caller: null, alias: null, provider: null, upstream_model: null, status: 401, outcome: 'unauthorized', error_type: 'invalid_api_key', latency_ms: 1 }),
  finished({ time: '2026-05-02T06:00:00.000Z', caller: 'bob', alias: 'fast', upstream_model: 'gpt-4o', stream: true, usage: usage(500, 100, 100, 50), latency_ms: 600, ttft_ms: 90 }),
];

const LOG_LINES = [
  line(EVENTS[0]!),
  line(EVENTS[1]!),
  JSON.stringify({ event: 'warning', message: '3 request log lines dropped: log.jsonl was not keeping up' }),
  line(EVENTS[2]!),
  '',
  line(EVENTS[3]!),
  line(EVENTS[4]!),
  '{"event":"request.finished","id":"req_cut","time":"2026-05-02T0', // a line cut short (line 8)
  line(EVENTS[5]!),
  line(EVENTS[6]!),
  '[1,2,3]', // JSON, not an event
  line(EVENTS[7]!),
  line({ ...EVENTS[8]!, latency_ms: 'fast' }), // a request.finished with a field of the wrong type
  line(EVENTS[8]!),
  line(EVENTS[9]!),
  JSON.stringify({ event: 'config.reloaded', time: '2026-05-02T05:30:00.000Z', added: [], removed: [], changed: ['fast'], auth: true }),
  line(EVENTS[10]!),
];

/** The totals in DESIGN §13's field order (the JSON must come out in exactly this order). */
function totals(requests: number, errors: number, blocked: number, [input, output, cached, reasoning]: number[], cost: number | null, latency: [number, number] | null, ttft: [number, number] | null): SummaryTotals {
  return {
    requests, errors, blocked,
    input_tokens: input ?? 0, output_tokens: output ?? 0, cached_tokens: cached ?? 0, reasoning_tokens: reasoning ?? 0,
    cost_usd: cost,
    latency_ms_p50: latency?.[0] ?? null, latency_ms_p95: latency?.[1] ?? null,
    ttft_ms_p50: ttft?.[0] ?? null, ttft_ms_p95: ttft?.[1] ?? null,
  };
}

const TOTAL = totals(11, 6, 2, [870, 245, 120, 80], 0.0035, [100, 600], [60, 120]);
const DAY2 = totals(7, 6, 0, [530, 105, 100, 50], null, [3, 600], [60, 90]);

const EXPECTED: Record<string, SummaryJson> = {
  alias: {
    groups: [
      { key: 'chat', ...totals(5, 2, 1, [330, 135, 20, 30], 0.003, [100, 300], [50, 60]) },
      { key: 'fast', ...totals(4, 2, 1, [540, 110, 100, 50], 0.0005, [200, 600], [90, 120]) },
      { key: null, ...totals(2, 2, 0, [0, 0, 0, 0], null, [1, 3], null) },
    ],
    total: TOTAL,
  },
  caller: {
    groups: [
      { key: 'bob', ...totals(6, 3, 1, [740, 190, 100, 80], 0.0025, [200, 600], [90, 120]) },
      { key: 'alice', ...totals(4, 2, 1, [130, 55, 20, 0], 0.001, [5, 250], [60, 60]) },
      { key: null, ...totals(1, 1, 0, [0, 0, 0, 0], null, [1, 1], null) },
    ],
    total: TOTAL,
  },
  day: {
    groups: [
      { key: '2026-05-01', ...totals(4, 0, 2, [340, 140, 20, 30], 0.0035, [100, 300], [50, 120]) },
      { key: '2026-05-02', ...DAY2 },
    ],
    total: TOTAL,
  },
  model: {
    groups: [
      { key: 'gpt-4o', ...totals(5, 3, 1, [570, 115, 100, 50], 0.0005, [250, 600], [90, 120]) },
      { key: 'gpt-4o-mini', ...totals(4, 1, 1, [300, 130, 20, 30], 0.003, [5, 300], [50, 50]) },
      { key: null, ...totals(2, 2, 0, [0, 0, 0, 0], null, [1, 3], null) },
    ],
    total: TOTAL,
  },
};

let log: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aisix-stats-'));
  log = file('requests.jsonl', `${LOG_LINES.join('\n')}\n`);
});

describe('aisix stats --json', () => {
  for (const by of ['alias', 'caller', 'day', 'model'] as const) {
    it(`--by ${by}: exact numbers, fields in DESIGN's order, one line on stdout`, async () => {
      const run = await aisix(['stats', log, '--by', by, '--json']);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(`${JSON.stringify(EXPECTED[by])}\n`);
    });
  }

  it('counts every outcome of DESIGN §5: the two blocks as blocked, every other outcome but ok as an error, ok 200s only as ok', async () => {
    // one request per outcome not in EVENTS above, alias `rest` (priced: forbidden and timeout, which
    // still got usage from the upstream before failing), and a 200 whose outcome is not ok (an error)
    const rest = (outcome: RequestFinished['outcome'], status: number, over: Partial<RequestFinished> = {}): RequestFinished =>
      finished({ time: '2026-05-03T00:00:00.000Z', alias: 'rest', outcome, status, latency_ms: status, ...over });
    const more = [
      rest('forbidden', 403, { usage: usage(10, 0), cost_usd: 0.0001 }),
      rest('not_found', 404),
      rest('too_large', 413),
      rest('provider_rejected', 400),
      rest('unavailable', 503),
      rest('timeout', 504, { usage: usage(20, 5, 10, 1), cost_usd: 0.0002, ttft_ms: 30 }),
      rest('internal_error', 500),
      rest('timeout', 200, { latency_ms: 7 }),
    ];
    const all = file('every-outcome.jsonl', `${[...EVENTS, ...more].map(line).join('\n')}\n`);
    const run = await aisix(['stats', all, '--json']);
    expect(run.code).toBe(0);
    const restTotals = totals(8, 8, 0, [30, 5, 10, 1], 0.0003, [404, 504], [30, 30]);
    expect(JSON.parse(run.stdout)).toEqual({
      groups: [{ key: 'rest', ...restTotals }, ...EXPECTED.alias!.groups], // busiest first
      total: totals(19, 14, 2, [900, 250, 130, 81], 0.0038, [300, 600], [60, 120]),
    });
  });

  it('groups by alias when --by is not given', async () => {
    const run = await aisix(['stats', log, '--json']);
    expect(JSON.parse(run.stdout)).toEqual(EXPECTED.alias);
  });

  it('counts the malformed lines on stderr, skips other events and blank lines', async () => {
    const run = await aisix(['stats', log, '--json']);
    expect(run.stderr).toBe(`aisix stats: skipped 3 malformed lines in ${log} (first: line 8)\n`);
    const clean = file('clean.jsonl', `${EVENTS.map(line).join('\n')}\n`);
    const again = await aisix(['stats', clean, '--json']);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(run.stdout);
  });

  it('merges several logs (and - reads stdin)', async () => {
    const first = file('part1.jsonl', `${EVENTS.slice(0, 4).map(line).join('\n')}\n`);
    const second = file('part2.jsonl', `${EVENTS.slice(4, 8).map(line).join('\n')}\n`);
    const rest = `${EVENTS.slice(8).map(line).join('\r\n')}`; // CRLF, no final newline
    const run = await aisix(['stats', first, second, '-', '--by', 'day', '--json'], { input: rest });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual(EXPECTED.day);
  });

  it('--since an ISO time counts the requests from then on (inclusive), with or without an offset', async () => {
    const expected = { groups: [{ key: '2026-05-02', ...DAY2 }], total: DAY2 };
    for (const since of ['2026-05-02T00:00:00Z', '2026-05-02T02:00:00+02:00', '2026-05-02', '2026-05-02T00:00']) {
      const run = await aisix(['stats', log, '--since', since, '--by', 'day', '--json']);
      expect(run.code, since).toBe(0);
      expect(JSON.parse(run.stdout), since).toEqual(expected);
    }
    const late = await aisix(['stats', log, '--since', '2026-05-02T05:00:00.001Z', '--json']);
    expect(JSON.parse(late.stdout)).toEqual({ groups: [{ key: 'fast', ...totals(1, 0, 0, [500, 100, 100, 50], null, [600, 600], [90, 90]) }], total: totals(1, 0, 0, [500, 100, 100, 50], null, [600, 600], [90, 90]) });
  });

  it('--since a duration counts back from now', async () => {
    const ago = (ms: number): string => new Date(Date.now() - ms).toISOString();
    const hour = 3_600_000;
    const recent = file('recent.jsonl', [
      line(finished({ time: ago(10 * 60_000), latency_ms: 10, usage: usage(1, 1), cost_usd: 0.25 })),
      line(finished({ time: ago(2 * hour), latency_ms: 20, usage: usage(2, 2) })),
      line(finished({ time: ago(30 * hour), latency_ms: 30, usage: usage(4, 4) })),
      line(finished({ time: ago(10 * 24 * hour), latency_ms: 40, usage: usage(8, 8) })),
    ].join('\n'));
    const total = async (since: string): Promise<SummaryTotals> => {
      const run = await aisix(['stats', recent, '--since', since, '--json']);
      expect(run.code, since).toBe(0);
      return (JSON.parse(run.stdout) as SummaryJson).total;
    };
    expect(await total('30m')).toEqual(totals(1, 0, 0, [1, 1, 0, 0], 0.25, [10, 10], null));
    expect(await total('24h')).toEqual(totals(2, 0, 0, [3, 3, 0, 0], 0.25, [10, 20], null));
    expect(await total('7d')).toEqual(totals(3, 0, 0, [7, 7, 0, 0], 0.25, [20, 30], null));
    expect(await total('1w')).toEqual(await total('7d'));
    expect(await total('30d')).toEqual(totals(4, 0, 0, [15, 15, 0, 0], 0.25, [20, 40], null));
    expect(await total('1s')).toEqual(totals(0, 0, 0, [0, 0, 0, 0], null, null, null));
  });
});

describe('aisix stats (table)', () => {
  it('prints aligned columns on stdout, a total row last', async () => {
    const run = await aisix(['stats', log]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'alias       requests  errors  blocked  input  output  cached  reasoning       cost    p50    p95  ttft p50  ttft p95',
      'chat               5       2        1    330     135      20         30  $0.003000  100ms  300ms      50ms      60ms',
      'fast               4       2        1    540     110     100         50  $0.000500  200ms  600ms      90ms     120ms',
      '(no alias)         2       2        0      0       0       0          0          -    1ms    3ms         -         -',
      'total             11       6        2    870     245     120         80  $0.003500  100ms  600ms      60ms     120ms',
      '',
    ]);
    expect(run.stderr).toContain('skipped 3 malformed lines');
  });
});

describe('aisix stats (table): formatting', () => {
  it('formats big numbers with separators, escapes outside text, and prints the header and a zero total for an empty log', async () => {
    const big = file('big.jsonl', [
      line(finished({ alias: 'evil\u001b[2J\u202ename', usage: usage(1_234_567, 89_012, 4_567, 1_000), cost_usd: 12.5, latency_ms: 1_234.4, ttft_ms: 12.6 })),
    ].join('\n'));
    const run = await aisix(['stats', big]);
    expect(run.stdout.split('\n')).toEqual([
      'alias                    requests  errors  blocked      input  output  cached  reasoning    cost      p50      p95  ttft p50  ttft p95',
      'evil\\u001b[2J\\u202ename         1       0        0  1,234,567  89,012   4,567      1,000  $12.50  1,234ms  1,234ms      13ms      13ms',
      'total                           1       0        0  1,234,567  89,012   4,567      1,000  $12.50  1,234ms  1,234ms      13ms      13ms',
      '',
    ]);
    const empty = await aisix(['stats', file('empty.jsonl', ''), '--by', 'day']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe([
      'day    requests  errors  blocked  input  output  cached  reasoning  cost  p50  p95  ttft p50  ttft p95',
      'total         0       0        0      0       0       0          0     -    -    -         -         -',
      '',
    ].join('\n'));
    const emptyJson = await aisix(['stats', join(dir, 'empty.jsonl'), '--json']);
    expect(emptyJson.stdout).toBe('{"groups":[],"total":{"requests":0,"errors":0,"blocked":0,"input_tokens":0,"output_tokens":0,"cached_tokens":0,"reasoning_tokens":0,"cost_usd":null,"latency_ms_p50":null,"latency_ms_p95":null,"ttft_ms_p50":null,"ttft_ms_p95":null}}\n');
  });
});

describe('aisix stats: errors and exit codes', () => {
  it('a missing or unreadable log exits 1 with a one-line reason on stderr, before printing anything', async () => {
    const missing = await aisix(['stats', log, join(dir, 'nope.jsonl')]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `aisix stats: cannot read log file ${join(dir, 'nope.jsonl')}: no such file (ENOENT)\n` });
    const folder = join(dir, 'a-dir');
    mkdirSync(folder, { recursive: true });
    const directory = await aisix(['stats', folder, '--json']);
    expect(directory).toEqual({ code: 1, stdout: '', stderr: `aisix stats: cannot read log file ${folder}: is a directory (EISDIR)\n` });
  });

  it('a bad --since or --by is a usage error (exit 2, commander\'s message, nothing on stdout)', async () => {
    for (const since of ['24x', 'yesterday', '-1h', '2026-02-30', '2026-05-01T25:00Z', '2026-05-01T10:00+25:00', '']) {
      const run = await aisix(['stats', log, '--since', since]);
      expect(run.code, since).toBe(2);
      expect(run.stdout, since).toBe('');
      expect(run.stderr, since).toContain(`error: option '--since <time>' argument '${since}' is invalid. expected an ISO 8601 time`);
    }
    const by = await aisix(['stats', log, '--by', 'provider']);
    expect(by.code).toBe(2);
    expect(by.stdout).toBe('');
    expect(by.stderr).toContain("argument 'provider' is invalid. Allowed choices are alias, caller, day, model.");
  });

  it('without LOG it reads proxy.log_file of the config (./aisix.yaml, $AISIX_CONFIG, -c), and says when there is none', async () => {
    const project = join(dir, 'project');
    mkdirSync(join(project, 'logs'), { recursive: true });
    writeFileSync(join(project, 'aisix.yaml'), '_format_version: "1"\nproxy:\n  log_file: logs/requests.jsonl\n');
    const none = await aisix(['stats', '--json'], { cwd: project });
    expect(none).toEqual({ code: 1, stdout: '', stderr: 'aisix stats: cannot read log file logs/requests.jsonl (proxy.log_file in aisix.yaml): no such file (ENOENT)\n' });
    writeFileSync(join(project, 'logs/requests.jsonl'), `${EVENTS.map(line).join('\n')}\n`);
    const fromCwd = await aisix(['stats', '--json', '--by', 'caller'], { cwd: project });
    expect(fromCwd.code).toBe(0);
    expect(JSON.parse(fromCwd.stdout)).toEqual(EXPECTED.caller);
    const fromEnv = await aisix(['stats', '--json', '--by', 'caller'], { cwd: project, env: { AISIX_CONFIG: join(project, 'aisix.yaml') } });
    expect(fromEnv.stdout).toBe(fromCwd.stdout);

    const empty = join(dir, 'nowhere');
    mkdirSync(empty, { recursive: true });
    const noConfig = await aisix(['stats'], { cwd: empty });
    expect(noConfig.code).toBe(1);
    expect(noConfig.stdout).toBe('');
    expect(noConfig.stderr).toBe('aisix stats: no log file given, and no config (./aisix.yaml or $AISIX_CONFIG) to take proxy.log_file from: aisix stats LOG…\n');
    const noLogFile = file('nolog.yaml', '_format_version: "1"\n');
    const unset = await aisix(['stats', '-c', noLogFile], { cwd: empty });
    expect(unset).toEqual({ code: 1, stdout: '', stderr: `aisix stats: no log file given, and ${noLogFile} sets no proxy.log_file: aisix stats LOG…\n` });
    const missingConfig = await aisix(['stats', '-c', join(empty, 'missing.yaml')], { cwd: empty });
    expect(missingConfig.code).toBe(1);
    expect(missingConfig.stderr).toContain('config file not found');
  });
});

describe('parseSince', () => {
  const now = Date.parse('2026-05-10T12:00:00.000Z');
  it('takes durations back from now and ISO times (UTC unless an offset is given)', () => {
    expect(parseSince('30m', now)).toBe(now - 30 * 60_000);
    expect(parseSince('24h', now)).toBe(Date.parse('2026-05-09T12:00:00.000Z'));
    expect(parseSince('7d', now)).toBe(Date.parse('2026-05-03T12:00:00.000Z'));
    expect(parseSince('1.5h', now)).toBe(now - 90 * 60_000);
    expect(parseSince('90s', now)).toBe(now - 90_000);
    expect(parseSince('2w', now)).toBe(Date.parse('2026-04-26T12:00:00.000Z'));
    expect(parseSince('2026-05-01', now)).toBe(Date.parse('2026-05-01T00:00:00.000Z'));
    expect(parseSince('2026-05-01T10:30', now)).toBe(Date.parse('2026-05-01T10:30:00.000Z'));
    expect(parseSince('2026-05-01T10:30:15.250Z', now)).toBe(Date.parse('2026-05-01T10:30:15.250Z'));
    expect(parseSince('2026-05-01T10:30:00-0530', now)).toBe(Date.parse('2026-05-01T16:00:00.000Z'));
    expect(parseSince('2026-05-01 10:30:00+02:00', now)).toBe(Date.parse('2026-05-01T08:30:00.000Z'));
  });

  it('refuses anything else, saying what it expects', () => {
    for (const bad of ['', '24', 'h', '24 hours', '1y', '-3d', 'now', '2026-5-1', '2026-02-29', '2026-04-31T00:00Z', '2026-05-01T23:60Z', '2026-05-01T10:00:61Z', '2026-05-01T10:00Z+1']) {
      expect(() => parseSince(bad, now), bad).toThrow('expected an ISO 8601 time (UTC unless it has an offset), or a duration back from now: 30m, 24h, 7d (s, m, h, d, w).');
    }
  });
});

describe('parseLogLine', () => {
  it('reads a request.finished line into what the summary counts; other events and blank lines are not counted', () => {
    expect(parseLogLine(line(EVENTS[1]!))).toEqual({ kind: 'finished', event: { time: '2026-05-01T10:00:00.000Z', alias: 'chat', caller: 'bob', upstream_model: 'gpt-4o-mini', status: 200, outcome: 'ok', usage: { input_tokens: 200, output_tokens: 80, cached_tokens: 0, reasoning_tokens: 30 }, cost_usd: 0.002, latency_ms: 300, ttft_ms: 50 } });
    expect(parseLogLine('{"event":"warning","message":"x"}')).toEqual({ kind: 'other' });
    expect(parseLogLine('   ')).toEqual({ kind: 'other' });
    expect(parseLogLine(`\ufeff${line(EVENTS[0]!)}`).kind).toBe('finished');
  });

  it('takes an older line without the newer fields (0 tokens, null ttft) and an outcome it does not know', () => {
    const old = '{"event":"request.finished","time":"2026-01-01T00:00:00Z","status":200,"outcome":"ok","latency_ms":5,"usage":{"input_tokens":3,"output_tokens":4}}';
    expect(parseLogLine(old)).toEqual({ kind: 'finished', event: { time: '2026-01-01T00:00:00Z', alias: null, caller: null, upstream_model: null, status: 200, outcome: 'ok', usage: { input_tokens: 3, output_tokens: 4, cached_tokens: 0, reasoning_tokens: 0 }, cost_usd: null, latency_ms: 5, ttft_ms: null } });
    expect(parseLogLine(line({ ...EVENTS[0]!, outcome: 'from_the_future' })).kind).toBe('finished');
  });

  it('calls a line malformed when it is not JSON, not an event object, or has fields of the wrong type', () => {
    const base = EVENTS[0]!;
    for (const bad of [
      'not json', '{"event":', '[]', '"request.finished"', 'null', '{"message":"no event"}', '{"event":42}',
      line({ ...base, time: 123 }), line({ ...base, status: '200' }), line({ ...base, status: 200.5 }), line({ ...base, outcome: null }),
      line({ ...base, latency_ms: -1 }), line({ ...base, latency_ms: undefined }), line({ ...base, alias: 7 }), line({ ...base, caller: {} }),
      line({ ...base, usage: 'lots' }), line({ ...base, usage: { input_tokens: '3', output_tokens: 4 } }), line({ ...base, cost_usd: '0.1' }), line({ ...base, ttft_ms: 'soon' }),
    ]) {
      expect(parseLogLine(bad), bad).toEqual({ kind: 'malformed' });
    }
  });
});

describe('aisix stats loads neither the gateway nor the UI', () => {
  it('the static import closure of src/cli/stats.ts stays out of src/gateway and never reaches react or ink', () => {
    const closure = staticClosure(join(SRC, 'cli/stats.ts'));
    const files = [...closure.keys()];
    expect(files).toContain(join(SRC, 'reporters/summary.ts'));
    expect(files.filter((f) => f.startsWith(join(SRC, 'gateway')) || f.startsWith(join(SRC, 'reporters/tui')))).toEqual([]);
    const ui = [...closure.values()].flat().filter((i) => /^(react|ink)(\/|$)/.test(i.specifier));
    expect(ui).toEqual([]);
  });
});
