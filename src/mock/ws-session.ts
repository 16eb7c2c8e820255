// One Responses WebSocket connection: every client text frame is logged, then answered in order (one
// response in flight, later frames wait). A `response.create` runs like `POST /v1/responses` with
// `stream: true` (same behaviour verdict, same Response, same events), each event one JSON text
// frame; refusals and model errors are `{"type":"error","status":N,"error":{…}}` events and the
// socket stays open. The connection remembers its last responses for `previous_response_id`; a
// `conversation` must exist (else a 404 error event) and gets the turn appended, as over HTTP.
import type { IncomingHttpHeaders } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, type RawData } from 'ws';
import { behaviourFor, type ErrorReply } from './behaviours.js';
import type { MockState } from './context.js';
import { conversationRefusal } from './conversations.js';
import { envelope, invalidParameter, MISSING_MODEL, previousNotFound, type ErrorEnvelope } from './errors.js';
import { applyStreamFaults, verdictFor, writeOptions } from './faults.js';
import { isObject, parseJson, stringAt, type JsonObject } from './json.js';
import { toJson, unfinishedJson, type JsonStyle } from './json-style.js';
import { chooseJsonStyle } from './request-style.js';
import { responseEvents } from './response-events.js';
import { buildResponse } from './response-object.js';
import { storeResponse, wantsObfuscation } from './responses-route.js';
import type { Frame, WriteOptions } from './sse.js';

/** How many response ids a connection remembers for `previous_response_id` (stored ones always resolve). */
export const WS_REMEMBERED_RESPONSES = 16;

/** What the handshake carried, for every frame of the connection. */
export interface Handshake {
  /** the request target, query included: the `path` of the frames' log entries */
  target: string;
  headers: IncomingHttpHeaders;
  flatHeaders: Record<string, string>;
  rawHeaders: [string, string][];
  /** the handshake's `x-mock-output` header */
  outputOverride: string | undefined;
}

export const INVALID_FRAME = envelope('Invalid WebSocket message: expected a JSON object with a "type".', 'invalid_request_error', null, 'invalid_json');
const WRONG_TYPE_WHY = "expected 'response.create'.";

/** Why a frame is answered with an error event instead of a response. */
interface FrameRefusal {
  status: number;
  envelope: ErrorEnvelope;
}

/** The WebSocket error event: the HTTP status it stands for, the envelope's `error`, the reply's headers. */
export function errorEvent(status: number, error: ErrorEnvelope, headers?: Readonly<Record<string, string>>): JsonObject {
  const event: JsonObject = { type: 'error', status, error: error.error };
  if (headers !== undefined && Object.keys(headers).length > 0) event.headers = { ...headers };
  return event;
}

/** A behaviour's error reply as an event (a plain-text body becomes the message). */
function replyEvent(reply: ErrorReply): JsonObject {
  const error = 'json' in reply ? reply.json : envelope(reply.text.trim(), 'invalid_request_error');
  return errorEvent(reply.status, error, reply.headers);
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(data).toString();
}

export class WsSession {
  private queue: Promise<void> = Promise.resolve();
  /** response ids, oldest first */
  private readonly remembered = new Set<string>();
  private readonly closed: Promise<void>;

  constructor(
    private readonly state: MockState,
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    private readonly handshake: Handshake,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  /** Starts answering the connection's frames. */
  listen(): void {
    this.ws.on('error', () => undefined); // a broken frame or socket; 'close' follows
    this.ws.on('message', (data, isBinary) => this.receive(frameText(data), isBinary));
  }

  private receive(text: string, isBinary: boolean): void {
    const json = isBinary ? undefined : parseJson(text);
    const { target, flatHeaders, rawHeaders } = this.handshake;
    this.state.log.add({ method: 'WS', path: target, headers: flatHeaders, rawHeaders, body: text, json, time: Date.now() });
    this.queue = this.queue
      .then(() => this.turn(json, text.length))
      .catch((err: unknown) => {
        process.emitWarning(`aisix mock: ${err instanceof Error ? err.message : String(err)}`);
        this.ws.terminate();
      });
  }

  private get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** One client frame, answered to its end (or until the socket goes). */
  private async turn(json: unknown, chars: number): Promise<void> {
    if (!this.open) return;
    const choice = chooseJsonStyle(this.handshake.headers, json, this.state.jsonStyle);
    if (isObject(json) && json.type === 'response.processed') return; // Codex's acknowledgement of a finished response
    if (!isObject(json)) {
      await this.send(errorEvent(400, INVALID_FRAME), choice.style);
      return;
    }
    const refused = choice.problem !== undefined ? { status: 400, envelope: choice.problem } : this.refusal(json);
    if (refused !== undefined) await this.send(errorEvent(refused.status, refused.envelope), choice.style);
    else await this.create(json, chars, choice.style);
  }

  /**
   * The frame's own refusals: 400 for its type, its model or an unknown `previous_response_id`;
   * 400 or 404 for its `conversation`.
   */
  private refusal(json: JsonObject): FrameRefusal | undefined {
    if (json.type !== 'response.create') return { status: 400, envelope: invalidParameter('type', WRONG_TYPE_WHY) };
    if (stringAt(json, 'model') === undefined) return { status: 400, envelope: MISSING_MODEL };
    const previous = stringAt(json, 'previous_response_id');
    if (previous !== undefined && !this.remembered.has(previous) && this.state.store.get(previous) === undefined) {
      return { status: 400, envelope: previousNotFound(previous) };
    }
    return conversationRefusal(this.state, json);
  }

  private async create(body: JsonObject, chars: number, style: JsonStyle): Promise<void> {
    const behaviour = behaviourFor(stringAt(body, 'model') ?? '');
    const verdict = verdictFor(this.state, behaviour);
    if (verdict.kind === 'reset') return this.reset();
    if (verdict.kind === 'hang') return this.closed;
    if (verdict.kind === 'error') {
      await this.send(replyEvent(verdict.reply), style);
      return;
    }
    if (verdict.delayMs > 0 && !(await this.sleep(verdict.delayMs))) return;
    const response = buildResponse(body, behaviour, this.handshake.outputOverride);
    storeResponse(this.state, body, chars, response, behaviour);
    if (behaviour.fault === 'none') this.remember(response.id);
    const frames = responseEvents(response, wantsObfuscation(body)).map(
      (event): Frame => ({ text: toJson(event, style), delta: event.type.endsWith('.delta') }),
    );
    const broken: Frame = { text: unfinishedJson({ type: 'response.output_text.delta', sequence_number: 0 }, style), delta: false };
    await this.write(applyStreamFaults(frames, behaviour, broken), writeOptions(behaviour));
  }

  private remember(id: string): void {
    this.remembered.add(id);
    for (const old of this.remembered) {
      if (this.remembered.size <= WS_REMEMBERED_RESPONSES) break;
      this.remembered.delete(old);
    }
  }

  /** Frames one per message, paced like SSE; a cut closes the socket without a close frame, a stall goes silent. */
  private async write(frames: readonly Frame[], options: WriteOptions): Promise<void> {
    let deltas = 0;
    for (const frame of frames) {
      if (frame.delta && deltas++ > 0 && options.deltaDelayMs > 0 && !(await this.sleep(options.deltaDelayMs))) return;
      if (!(await this.sendText(frame.text))) return;
    }
    if (options.end === 'destroy') this.socket.end(() => this.socket.destroy());
    else if (options.end === 'stall') await this.closed;
  }

  private send(event: JsonObject, style: JsonStyle): Promise<boolean> {
    return this.sendText(toJson(event, style));
  }

  /** Resolves once the frame is written out (false when the socket is gone). */
  private sendText(text: string): Promise<boolean> {
    if (!this.open) return Promise.resolve(false);
    return new Promise((resolve) => this.ws.send(text, (err) => resolve(err === undefined || err === null)));
  }

  private reset(): void {
    const socket = this.socket;
    if (socket instanceof Socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }

  /** Waits `ms`; false (timer cleared) as soon as the socket closes. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (!this.open) return resolve(false);
      const onClose = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.ws.off('close', onClose);
        resolve(this.open);
      }, ms);
      this.ws.once('close', onClose);
    });
  }
}
