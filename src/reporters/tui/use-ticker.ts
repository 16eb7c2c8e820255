// A redraw ticker for spinners and in-flight elapsed times; runs only while something is in flight.
import { useEffect, useState } from 'react';

/** Re-renders every `ms` while `active`; returns the tick count. */
export function useTicker(active: boolean, ms = 100): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((t) => t + 1), ms);
    return () => clearInterval(timer);
  }, [active, ms]);
  return tick;
}
