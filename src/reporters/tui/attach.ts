// Connects the event bus to the store. Listeners only hand the payload to the store (no rendering,
// no formatting), so the request path pays a function call per event and a broken UI cannot fail
// a request (the bus also isolates listener exceptions).
import type { EventBus } from '../../events/bus.js';
import type { RequestStore } from './request-store.js';

/** Subscribes `store` to every event it shows; returns the function that unsubscribes. */
export function attachStore(bus: EventBus, store: RequestStore): () => void {
  const offs = [
    bus.on('request.started', (e) => store.started(e)),
    bus.on('request.finished', (e) => store.finished(e)),
    bus.on('server.listening', (e) => store.serverListening(e)),
    bus.on('config.reloaded', (e) => store.configReloaded(e)),
    bus.on('config.rejected', (e) => store.configRejected(e)),
    bus.on('warning', (e) => store.warning(e.message)),
  ];
  return function detachStore() {
    for (const off of offs) off();
  };
}
