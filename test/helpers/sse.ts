// An independent SSE reader for raw response bodies (not the gateway's parser): splits frames at
// blank lines with any line ending and keeps `event:` names and joined `data:` lines.

export interface RawFrame {
  event: string | null;
  data: string;
}

export function parseSse(body: string): RawFrame[] {
  const frames: RawFrame[] = [];
  let event: string | null = null;
  let data: string[] = [];
  let inFrame = false;
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (inFrame) frames.push({ event, data: data.join('\n') });
      event = null;
      data = [];
      inFrame = false;
      continue;
    }
    if (line.startsWith(':')) continue;
    inFrame = true;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event = value;
    else if (name === 'data') data.push(value);
  }
  if (inFrame) frames.push({ event, data: data.join('\n') });
  return frames;
}

/** The JSON payloads of every frame (throws on a frame that is not JSON). */
export function frameJson(frames: readonly RawFrame[]): Record<string, unknown>[] {
  return frames.map((f) => JSON.parse(f.data) as Record<string, unknown>);
}

/** The highest `sequence_number` among the frames (-1 when none carries one). */
export function lastSequence(frames: readonly RawFrame[]): number {
  let last = -1;
  for (const f of frames) {
    const json = JSON.parse(f.data) as { sequence_number?: unknown };
    if (typeof json.sequence_number === 'number' && json.sequence_number > last) last = json.sequence_number;
  }
  return last;
}

/** Concatenated `response.output_text.delta` text. */
export function deltaText(frames: readonly RawFrame[]): string {
  return frameJson(frames)
    .filter((j) => j.type === 'response.output_text.delta')
    .map((j) => String(j.delta))
    .join('');
}
