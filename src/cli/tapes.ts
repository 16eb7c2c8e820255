// `--record DIR`, `--replay DIR` and `--replay-speed X` for `serve` and `run` (DESIGN.md §12):
// checked before the proxy starts (a replay folder must exist unless misses are recorded into it; a
// record folder is created), turned into the gateway's TapeOptions, and described in one line.
// Under `--replay` alone no provider key is needed, so missing environment variables only warn.
import { mkdirSync, statSync } from 'node:fs';
import type { TapeOptions } from '../gateway/tapes/deck.js';

export interface TapeFlags {
  record?: string;
  replay?: string;
  replaySpeed?: number;
}

export type TapeSetup = { ok: true; tapes: TapeOptions | undefined } | { ok: false; usage: boolean; message: string };

export function tapeSetup(flags: TapeFlags): TapeSetup {
  const record = flags.record ?? null;
  const replay = flags.replay ?? null;
  if (flags.replaySpeed !== undefined && replay === null) return { ok: false, usage: true, message: '--replay-speed needs --replay' };
  if (record === null && replay === null) return { ok: true, tapes: undefined };
  if (replay !== null && (record === null || record !== replay) && !isDirectory(replay)) {
    return { ok: false, usage: false, message: `--replay: no tape folder ${replay} (record one with --record ${replay})` };
  }
  if (record !== null) {
    try {
      mkdirSync(record, { recursive: true });
    } catch (err) {
      return { ok: false, usage: false, message: `--record: cannot create ${record}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
    }
  }
  return { ok: true, tapes: { record, replay, speed: flags.replaySpeed ?? 0 } };
}

/** `error` for a proxy that calls upstreams; `warning` under `--replay` alone (no provider key is used). */
export function missingEnvFor(flags: TapeFlags): 'error' | 'warning' {
  return flags.replay !== undefined && flags.record === undefined ? 'warning' : 'error';
}

/** `replaying tapes from tapes/ (speed 0), recording misses to tapes/`, for the start-up banner. */
export function tapeBanner(tapes: TapeOptions): string {
  const parts: string[] = [];
  if (tapes.replay !== null) parts.push(`replaying tapes from ${tapes.replay} (speed ${tapes.speed}${tapes.speed === 0 ? ': no delays' : ''})`);
  if (tapes.record !== null) parts.push(tapes.replay !== null ? `recording misses to ${tapes.record}` : `recording tapes to ${tapes.record}`);
  return `${parts.join(', ')}; WebSocket turns are bridged to HTTP, which tapes cover`;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
