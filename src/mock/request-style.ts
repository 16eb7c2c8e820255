// Which JSON style one request is answered in: the `x-mock-json-style` header, else the body's
// `metadata.mock_json_style` (for when a proxy does not forward client headers), else the
// server's `jsonStyle` option. A value that names no style is a 400 (README-models.md).
import type { IncomingHttpHeaders } from 'node:http';
import { invalidJsonStyle, type ErrorEnvelope } from './errors.js';
import { isObject } from './json.js';
import { parseJsonStyle, type JsonStyle } from './json-style.js';

export const JSON_STYLE_HEADER = 'x-mock-json-style';

export interface StyleChoice {
  /** the style to answer in (the server's when the request asked for an unknown one) */
  style: JsonStyle;
  /** set when the request asked for a style that does not exist */
  problem: ErrorEnvelope | undefined;
}

function fromHeader(value: string | string[] | undefined, fallback: JsonStyle): StyleChoice | undefined {
  if (value === undefined) return undefined;
  const name = typeof value === 'string' ? value : value.join(', ');
  const style = parseJsonStyle(name);
  if (style !== undefined) return { style, problem: undefined };
  return { style: fallback, problem: invalidJsonStyle(`header '${JSON_STYLE_HEADER}'`, null, name) };
}

function fromBody(body: unknown, fallback: JsonStyle): StyleChoice | undefined {
  if (!isObject(body) || !isObject(body.metadata)) return undefined;
  const value = body.metadata.mock_json_style;
  if (value === undefined) return undefined;
  const style = typeof value === 'string' ? parseJsonStyle(value) : undefined;
  if (style !== undefined) return { style, problem: undefined };
  return { style: fallback, problem: invalidJsonStyle("'metadata.mock_json_style'", 'metadata.mock_json_style', value) };
}

export function chooseJsonStyle(headers: IncomingHttpHeaders, body: unknown, fallback: JsonStyle): StyleChoice {
  return fromHeader(headers[JSON_STYLE_HEADER], fallback) ?? fromBody(body, fallback) ?? { style: fallback, problem: undefined };
}
