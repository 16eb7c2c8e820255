// An OTLP/HTTP collector stand-in for exporter tests: a node:http server on 127.0.0.1:0 that
// records every export request (path, headers, parsed JSON body) and answers 200 `{}` — or, when
// told, an error status or nothing at all (a hung collector). Spans come back flattened, with
// their attributes as a plain object, and `until` resolves on arrival (no polling).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Export {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: OtlpBody;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes: { key: string; value: OtlpValue }[];
  status: { code?: number; message?: string };
}

export interface OtlpBody {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

export interface ReceivedSpan {
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  status: { code: number; message?: string };
  resource: Record<string, string | number | boolean>;
}

export type Answer = { status: number } | 'hang';

export interface Collector {
  /** the endpoint to configure (`http://127.0.0.1:<port>`) */
  url: string;
  exports: Export[];
  spans(): ReceivedSpan[];
  /** how the next requests are answered (default 200) */
  answer: Answer;
  /** resolves once `check()` holds, re-checked on every export received; rejects after `ms` */
  until(check: () => boolean, what: string, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const exports: Export[] = [];
  const watchers = new Set<() => void>();
  const hung: ServerResponse[] = [];
  const collector: Collector = {
    url: '',
    exports,
    answer: { status: 200 },
    spans: () => exports.flatMap((e) => flatten(e.body)),
    until: (check, what, ms = 5_000) =>
      new Promise((resolve, reject) => {
        if (check()) return resolve();
        const watcher = (): void => {
          if (!check()) return;
          clearTimeout(timer);
          watchers.delete(watcher);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(watcher);
          reject(new Error(`not within ${ms} ms: ${what} (exports so far: ${exports.length})`));
        }, ms);
        watchers.add(watcher);
      }),
    close: () =>
      new Promise((resolve) => {
        for (const res of hung) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      exports.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: JSON.parse(text) as OtlpBody });
      const answer = collector.answer;
      if (answer === 'hang') hung.push(res);
      else res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}');
      for (const watcher of [...watchers]) watcher();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  collector.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return collector;
}

function flatten(body: OtlpBody): ReceivedSpan[] {
  return body.resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        name: s.name,
        kind: s.kind,
        startMs: nanosToMs(s.startTimeUnixNano),
        endMs: nanosToMs(s.endTimeUnixNano),
        attributes: attributesOf(s.attributes),
        status: { code: s.status.code ?? 0, ...(s.status.message === undefined ? {} : { message: s.status.message }) },
        resource: attributesOf(rs.resource.attributes),
      })),
    ),
  );
}

function attributesOf(list: { key: string; value: OtlpValue }[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) {
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
  }
  return out;
}

function nanosToMs(nanos: string | number): number {
  return Number(BigInt(nanos) / 1000n) / 1000;
}
