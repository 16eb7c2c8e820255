// Reads the store from React: useSyncExternalStore over the store's batched notifications, so
// components re-render at most ~20×/s however fast requests arrive.
import { useSyncExternalStore } from 'react';
import type { RequestStore, StoreSnapshot } from './request-store.js';

/** The store's current snapshot. */
export function useStoreSnapshot(store: RequestStore): StoreSnapshot {
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
