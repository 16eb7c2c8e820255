// A typed event bus, one instance per `serve` run, passed into the gateway. Emitting never throws:
// a listener that throws is reported as a `warning` event and the request carries on.
import type { GatewayEventName, GatewayEvents } from './types.js';

type Listener<K extends GatewayEventName> = (payload: GatewayEvents[K]) => void;
type ListenerMap = { [K in GatewayEventName]: Listener<K>[] };

export interface EventBus {
  on<K extends GatewayEventName>(name: K, listener: Listener<K>): () => void;
  emit<K extends GatewayEventName>(name: K, payload: GatewayEvents[K]): void;
  /** true when anybody listens to `name` (lets emitters skip building payloads) */
  has(name: GatewayEventName): boolean;
}

export function createEventBus(): EventBus {
  const listeners: ListenerMap = {
    'server.listening': [],
    'request.started': [],
    'request.finished': [],
    'config.reloaded': [],
    'config.rejected': [],
    warning: [],
  };

  function emit<K extends GatewayEventName>(name: K, payload: GatewayEvents[K]): void {
    for (const listener of listeners[name]) {
      try {
        listener(payload);
      } catch (err) {
        if (name === 'warning') continue; // a broken warning listener must not loop
        emit('warning', { message: `an event listener for ${name} threw: ${describe(err)}` });
      }
    }
  }

  return {
    on(name, listener) {
      const list = listeners[name];
      list.push(listener);
      return () => {
        const at = list.indexOf(listener);
        if (at >= 0) list.splice(at, 1);
      };
    },
    emit,
    has: (name) => listeners[name].length > 0,
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
