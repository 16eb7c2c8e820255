// The tape deck of `--record DIR` / `--replay DIR` (DESIGN.md §12): for each upstream attempt, the
// key of what is sent, its count n within this run (the n-th identical request maps to recording
// n), then the answer — recording n played back (no upstream contact), a miss (404 `replay_miss`
// naming the key, unless `--record` records it instead), or the live upstream reply with the
// recorder's tap on it. `--record` alone replaces a key's old recordings the first time it sees the
// key. A tape that would hold a loaded secret is not written; a `warning` event names it.
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EventBus } from '../../events/bus.js';
import { SplicedBody } from '../body/spliced.js';
import { GatewayError } from '../errors.js';
import type { Candidate, RequestContext } from '../routes/context.js';
import type { UpstreamCall } from '../stages/upstream-call.js';
import type { UpstreamReply } from '../stages/upstream-reply.js';
import { readTapeText, serializeTape, TAPE_FORMAT, tapeFile, type Tape, type TapeRequest } from './format.js';
import { tapeKey } from './key.js';
import { tapReply } from './record.js';
import { replyFromTape } from './replay.js';
import { findSecret } from '../secrets/search.js';

export interface TapeOptions {
  /** `--record DIR`: where exchanges are written, or null */
  record: string | null;
  /** `--replay DIR`: where answers are read from, or null */
  replay: string | null;
  /** `--replay-speed`: recorded delays are divided by it; 0 = none */
  speed: number;
}

export class TapeDeck {
  /** `--replay` without `--record`: nothing may reach an upstream */
  readonly replayOnly: boolean;
  private readonly counts = new Map<string, number>();
  /** `--record` alone: the removal of a key's old recordings, started when the key is first seen */
  private readonly cleared = new Map<string, Promise<void>>();
  /** tape writes under way (the gateway waits for them when it closes) */
  private readonly writing = new Set<Promise<void>>();

  constructor(
    readonly options: TapeOptions,
    private readonly bus: EventBus,
  ) {
    this.replayOnly = options.replay !== null && options.record === null;
  }

  /**
   * The answer to one attempt: played back, refused as a miss, or live (and recorded). `body` is
   * what the tape says was sent when the call's body is not a JSON text (a passthrough's bytes).
   */
  async answer(ctx: RequestContext, candidate: Candidate, call: UpstreamCall, live: () => Promise<UpstreamReply>, body?: { tape: unknown; raw: Buffer }): Promise<UpstreamReply> {
    const request = requestOf(ctx, candidate, call, body === undefined ? undefined : body.tape);
    const key = tapeKey(request, ctx.runtime.config.proxy);
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const { replay, record } = this.options;
    if (replay !== null) {
      const tape = await this.read(tapeFile(replay, request.alias, key, n), key, n);
      if (tape !== null) {
        ctx.record.tape = 'replayed';
        return replyFromTape(tape, this.options.speed, call.signal);
      }
      if (record === null) {
        throw new GatewayError('replay_miss', `replay miss: no recording ${n} of key ${key} (${tapeFile(replay, request.alias, key, n)} does not exist); record it with --record`);
      }
    }
    const dir = record as string;
    const file = tapeFile(dir, request.alias, key, n);
    const cleared = replay === null ? this.clearOnce(file, key) : Promise.resolve();
    const reply = await live();
    tapReply(reply, (response, bytes) => {
      const tape: Tape = { format: TAPE_FORMAT, key, n, request, response };
      const text = serializeTape(tape);
      const sent = typeof call.body === 'string' ? call.body : Buffer.isBuffer(call.body) || call.body instanceof SplicedBody ? call.body.toString('utf8') : (body?.raw.toString('latin1') ?? '');
      const secret = findSecret([text, sent, bytes.toString('utf8'), bytes.toString('latin1')], ctx.runtime.config);
      if (secret !== null) {
        this.bus.emit('warning', { message: `tape not written: ${file} would contain ${secret}; the request was served as usual` });
        return;
      }
      ctx.record.tape = 'recorded';
      const writing = cleared.then(() => this.write(file, text));
      this.writing.add(writing);
      void writing.finally(() => this.writing.delete(writing));
    }, () => {
      this.bus.emit('warning', { message: `tape not written: ${file}: the answer broke off before its end (a cut, a reset, or the client left), so it is no recording` });
    });
    return reply;
  }

  /** Resolves once every tape started so far is written (or failed with a warning). */
  async flush(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  private async read(file: string, key: string, n: number): Promise<Tape | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new GatewayError('internal', `cannot read tape ${file}: ${(err as Error).message}`);
    }
    const read = readTapeText(text, key, n);
    if (!read.ok) throw new GatewayError('internal', `tape ${file} is not an ${TAPE_FORMAT} file: ${read.reason}`);
    return read.tape;
  }

  /** `--record` alone: the first time a key is seen, its recordings from earlier runs go. */
  private clearOnce(file: string, key: string): Promise<void> {
    let cleared = this.cleared.get(key);
    if (cleared === undefined) {
      cleared = removeRecordings(dirname(file), key).catch((err: unknown) => {
        this.bus.emit('warning', { message: `could not remove old recordings of key ${key} in ${dirname(file)}: ${(err as Error).message}` });
      });
      this.cleared.set(key, cleared);
    }
    return cleared;
  }

  private async write(file: string, text: string): Promise<void> {
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temp, text);
      await rename(temp, file);
    } catch (err) {
      this.bus.emit('warning', { message: `could not write tape ${file}: ${(err as Error).message}` });
    }
  }
}

const RECORDING = /^([0-9a-f]{64})-\d+\.json$/;

async function removeRecordings(folder: string, key: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await Promise.all(names.filter((name) => RECORDING.exec(name)?.[1] === key).map((name) => unlink(join(folder, name))));
}

/** What the tape says was sent: the route, the configured alias (never a name a caller sent to a wildcard), the JSON body. */
function requestOf(ctx: RequestContext, candidate: Candidate, call: UpstreamCall, sent: unknown): TapeRequest {
  const row = ctx.row;
  // a route with an id in its path (which stored response) or a passthrough route (which target
  // path) is keyed by the path itself, query included
  const route = row.path.includes('{') || row.passthrough !== null ? (ctx.req.url ?? row.name) : row.name;
  const body = sent !== undefined ? sent : sentJson(ctx, call.body);
  return {
    method: call.method,
    route,
    alias: candidate.resolved?.model.name ?? candidate.target,
    upstream_model: candidate.resolved?.upstreamModel ?? null,
    body,
  };
}

/** A JSON call body as a value: the request body's own view when it is what is sent (no second parse). */
function sentJson(ctx: RequestContext, body: UpstreamCall['body']): unknown {
  if (Buffer.isBuffer(body) || body instanceof SplicedBody) return ctx.body !== null && ctx.body.bytes() === body ? ctx.body.sent() : (JSON.parse(body.toString('utf8')) as unknown);
  return typeof body === 'string' ? (JSON.parse(body) as unknown) : null;
}
