// The TUI root: reads the store snapshot, owns the view state (table / detail / help, selection)
// and the keys. Selection follows the newest row until the user moves it, then sticks to that
// row (by its `seq`: request ids may repeat) as new rows arrive. Quitting calls `onQuit` once and
// exits when it settles.
import { Box, useApp, useInput, type Key } from 'ink';
import { useMemo, useRef, useState } from 'react';
import { DetailView } from './DetailView.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { HelpView } from './HelpView.js';
import { tableColumns, visibleRowCount } from './layout.js';
import type { RequestStore, StoreSnapshot } from './request-store.js';
import { RequestTable } from './RequestTable.js';
import { TotalsBar } from './TotalsBar.js';
import type { TuiHeaderInfo } from './types.js';
import { useStoreSnapshot } from './use-store.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useTicker } from './use-ticker.js';

export interface AppProps {
  store: RequestStore;
  header: TuiHeaderInfo;
  onQuit: () => Promise<void>;
}

type View = 'table' | 'detail' | 'help';

export function App({ store, header, onQuit }: AppProps) {
  const snapshot = useStoreSnapshot(store);
  const size = useTerminalSize();
  const { exit } = useApp();
  const [view, setView] = useState<View>('table');
  const [selectedSeq, setSelectedSeq] = useState<number | null>(null);
  const [quitting, setQuitting] = useState(false);
  const [clears, setClears] = useState(0);
  const quitStarted = useRef(false);

  const rows = snapshot.rows;
  const found = selectedSeq === null ? -1 : rows.findIndex((r) => r.seq === selectedSeq);
  const selected = found >= 0 ? found : 0;
  const height = visibleRowCount(size.rows, snapshot.lastWarning !== null);
  const columns = useMemo(() => tableColumns(size.columns), [size.columns]);
  useTicker(rows.some((r) => r.kind === 'in_flight'), 200);

  const quit = (): void => {
    if (quitStarted.current) return;
    quitStarted.current = true;
    setQuitting(true);
    void Promise.resolve()
      .then(onQuit)
      .catch(() => undefined)
      .then(() => exit());
  };

  // Key repeat can deliver several presses before React re-renders, so moves are functional
  // updates over the latest rows rather than over this render's `selected`.
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const move = (delta: number): void => {
    setSelectedSeq((prevSeq) => {
      const list = rowsRef.current;
      if (list.length === 0) return prevSeq;
      const prev = prevSeq === null ? 0 : Math.max(0, list.findIndex((r) => r.seq === prevSeq));
      const next = Math.min(list.length - 1, Math.max(0, prev + delta));
      // In the table, back at the top means "follow the newest" again; the detail view stays pinned.
      return next === 0 && view === 'table' ? null : (list[next]?.seq ?? null);
    });
  };

  const onKey = (input: string, key: Key): void => {
    if (input === 'q' || (key.ctrl && input === 'c')) return quit();
    if (quitting) return;
    if (view === 'help') {
      if (key.escape || input === '?') setView('table');
      return;
    }
    if (input === '?') return setView('help');
    if (key.escape) return setView('table');
    if (key.upArrow || input === 'k') return move(-1);
    if (key.downArrow || input === 'j') return move(1);
    if (key.pageUp) return move(-height);
    if (key.pageDown) return move(height);
    if (key.home) return setSelectedSeq(null);
    if (key.return) {
      // like move(): the latest selection and rows, not this render's (a fast "j⏎" must open the row j chose)
      if (rowsRef.current.length === 0) return;
      setSelectedSeq((prevSeq) => {
        const list = rowsRef.current;
        const row = (prevSeq === null ? undefined : list.find((r) => r.seq === prevSeq)) ?? list[0];
        return row?.seq ?? prevSeq;
      });
      return setView('detail');
    }
    if (input === 'c') {
      store.clear();
      setSelectedSeq(null);
      setClears((n) => n + 1);
      return setView('table');
    }
    if (view !== 'table') return;
    if (input === 'f') store.cycleFilter();
    else if (input === 'p') store.togglePause();
  };

  // Keys typed faster than stdin is read arrive as one string ("jj"); nothing here takes text
  // input, so each character counts as its own key press.
  useInput((input, key) => {
    const chars = Array.from(input);
    if (chars.length > 1 && !key.ctrl && !key.meta) for (const ch of chars) onKey(ch, key);
    else onKey(input, key);
  });

  const detailRow = selectedSeq === null ? (rows[0] ?? null) : found >= 0 ? (rows[found] ?? null) : null;
  return (
    <Box flexDirection="column" width={size.columns}>
      <ErrorBoundary resetKey={clears}>
        <Header info={header} snapshot={snapshot} width={size.columns} />
        {view === 'help' ? (
          <HelpView height={height} />
        ) : view === 'detail' ? (
          <DetailView
            row={detailRow}
            previews={detailRow ? store.previewsOf(detailRow.seq) : null}
            now={store.now()}
            width={size.columns}
            height={height}
          />
        ) : (
          <RequestTable
            rows={rows}
            columns={columns}
            selected={selected}
            height={height}
            now={store.now()}
            emptyText={emptyText(snapshot)}
          />
        )}
        <TotalsBar totals={snapshot.totals} width={size.columns} />
      </ErrorBoundary>
      <Footer snapshot={snapshot} view={view} quitting={quitting} width={size.columns} />
    </Box>
  );
}

function emptyText(s: StoreSnapshot): string {
  if (s.filter !== 'all') return `  no ${s.filter === 'errors' ? 'errors' : 'blocked requests'} in the list (f changes the filter)`;
  return s.paused ? '  paused (p resumes)' : '  waiting for requests…';
}
