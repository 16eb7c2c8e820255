// The inspector's one way to find a row's captured exchange (detail view and export): by request
// id in the gateway's capture store, checked against the row's arrival time — the id is the
// caller-settable `x-aisix-request-id` and may repeat, so a capture of another request with that id
// is no capture of this one. Without one it tells "capture is off" from "it was on, but this body is
// no longer kept" (the table keeps more rows than proxy.capture_keep).
import type { CapturedExchange, CaptureSource } from '../../events/capture.js';

/** The gateway's captures as the inspector reads them (serve builds it over the gateway's store, which follows reloads). */
export interface InspectorCaptures extends CaptureSource {
  /** whether the gateway keeps bodies now (proxy.capture_bodies) */
  enabled(): boolean;
}

/** What the inspector found for a request: its capture, or why there is none. */
export type CaptureLookup =
  | { kind: 'kept'; exchange: CapturedExchange }
  /** the gateway does not capture bodies (proxy.capture_bodies off, or no capture source) */
  | { kind: 'off' }
  /** it does, but this request's capture is gone (proxy.capture_keep), or the id now names another request */
  | { kind: 'gone' };

export function lookupCapture(captures: InspectorCaptures | undefined, row: { readonly id: string; readonly time: string }): CaptureLookup {
  if (captures === undefined) return { kind: 'off' };
  const exchange = captures.get(row.id);
  if (exchange !== undefined && exchange.time === row.time) return { kind: 'kept', exchange };
  return exchange !== undefined || captures.enabled() ? { kind: 'gone' } : { kind: 'off' };
}
