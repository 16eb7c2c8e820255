// The TUI root: reads the store snapshot, owns the view state (table / aliases / detail / help,
// selection) and the keys. Selection follows the newest row until the user moves it, then sticks
// to that row (by its `seq`: request ids may repeat) as new rows arrive. The detail view's scroll
// and search keys are detail-state.ts's; its document is read from the capture source by request
// id and arrival time (capture-lookup.ts) on every redraw (the exchange appears when the request
// finishes) and memoised per width.
// `e` exports the shown or selected request (export.ts) and says where in the status line (which
// takes the totals line too when the path does not fit one line).
// Quitting calls `onQuit` once and exits when it settles.
import { join } from 'node:path';
import { Box, useApp, useInput, type Key } from 'ink';
import { useMemo, useReducer, useRef, useState } from 'react';
import { terminalSafe } from '../../text/terminal-safe.js';
import { AliasTable } from './AliasTable.js';
import { detailDoc, type DetailDoc } from './detail-doc.js';
import { detailKey, initialDetailState, type DetailState } from './detail-state.js';
import { DetailView } from './DetailView.js';
import { lookupCapture, type CaptureLookup, type InspectorCaptures } from './capture-lookup.js';
import { exportRequest } from './export.js';
import { ErrorBoundary } from './ErrorBoundary.js';
import { Footer, statusLines, statusText, type FooterStatus, type View } from './Footer.js';
import { Header } from './Header.js';
import { HelpView } from './HelpView.js';
import { tableColumns, visibleRowCount } from './layout.js';
import type { RequestStore, Row, StoreSnapshot } from './request-store.js';
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
  /** whole bodies of the latest requests (proxy.capture_bodies), read by request id */
  captures?: InspectorCaptures;
  /** where `e` writes exports (default `.aisix` under the working directory) */
  exportDir?: string;
}

interface UiState {
  view: View;
  /** the view help goes back to */
  helpFrom: Exclude<View, 'help'>;
  /** the selected row's seq; null follows the newest */
  selectedSeq: number | null;
  /** the footer's status message until the next key */
  status: FooterStatus | null;
  detail: DetailState;
}

export function App({ store, header, onQuit, captures, exportDir }: AppProps) {
  const snapshot = useStoreSnapshot(store);
  const size = useTerminalSize();
  const { exit } = useApp();
  // View state lives in a ref, redrawn on change: keys typed faster than stdin is read arrive as
  // one string ("j⏎G"), and each must see the previous one's result before React re-renders.
  const ui = useRef<UiState>({ view: 'table', helpFrom: 'table', selectedSeq: null, status: null, detail: initialDetailState });
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const update = (patch: Partial<UiState>): void => {
    ui.current = { ...ui.current, ...patch };
    redraw();
  };
  const [quitting, setQuitting] = useState(false);
  const [clears, setClears] = useState(0);
  const quitStarted = useRef(false);

  const { view, selectedSeq, status } = ui.current;
  const rows = snapshot.rows;
  const found = selectedSeq === null ? -1 : rows.findIndex((r) => r.seq === selectedSeq);
  const selected = found >= 0 ? found : 0;
  const height = visibleRowCount(size.rows, snapshot.lastWarning !== null);
  const columns = useMemo(() => tableColumns(size.columns), [size.columns]);
  useTicker(rows.some((r) => r.kind === 'in_flight'), 200);
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  const widthRef = useRef(size.columns);
  widthRef.current = size.columns;

  const quit = (): void => {
    if (quitStarted.current) return;
    quitStarted.current = true;
    setQuitting(true);
    void Promise.resolve()
      .then(onQuit)
      .catch(() => undefined)
      .then(() => exit());
  };

  /** The selected row (the newest while following), or null when it left the list. */
  const selectedRow = (): Row | null => {
    const list = rowsRef.current;
    const seq = ui.current.selectedSeq;
    return seq === null ? (list[0] ?? null) : (list.find((r) => r.seq === seq) ?? null);
  };
  /** The detail document of a row: the capture is re-read by request id on every call (memoised per width). */
  const docOf = (row: Row | null): DetailDoc | null => {
    if (row === null) return null;
    const found = lookupCapture(captures, row);
    const capture = found.kind === 'kept' ? found.exchange : null;
    return detailDoc({ row, previews: store.previewsOf(row.seq), capture, capturing: found.kind === 'gone', now: store.now() }, widthRef.current);
  };

  const move = (delta: number): void => {
    const list = rowsRef.current;
    if (list.length === 0) return;
    const prevSeq = ui.current.selectedSeq;
    const prev = prevSeq === null ? 0 : Math.max(0, list.findIndex((r) => r.seq === prevSeq));
    const next = Math.min(list.length - 1, Math.max(0, prev + delta));
    // In the table, back at the top means "follow the newest" again; the detail view stays pinned.
    update({ selectedSeq: next === 0 && ui.current.view === 'table' ? null : (list[next]?.seq ?? null) });
  };

  const openHelp = (): void => update({ view: 'help', helpFrom: ui.current.view === 'help' ? ui.current.helpFrom : ui.current.view });
  const proxyUrl = snapshot.server?.url ?? header.url;
  const exportRow = (row: Row | null): void => {
    const found: CaptureLookup = row === null ? { kind: 'off' } : lookupCapture(captures, row);
    if (row !== null && row.finished === null && found.kind !== 'kept') {
      return update({ status: { text: 'nothing to export yet: the request is still in flight', tone: 'warn' } });
    }
    const result = exportRequest(found, proxyUrl, exportDir ?? join(process.cwd(), '.aisix'));
    update({ status: { text: result.message, short: result.short, tone: result.ok ? 'ok' : 'warn' } });
  };
  const clearList = (): void => {
    store.clear();
    setClears((n) => n + 1);
    update({ selectedSeq: null, view: 'table' });
  };

  const onKey = (input: string, key: Key): void => {
    if (key.ctrl && input === 'c') return quit();
    const current = ui.current.view;
    const typing = current === 'detail' && ui.current.detail.draft !== null;
    if (input === 'q' && !typing) return quit();
    if (quitting) return;
    if (ui.current.status !== null) update({ status: null });
    if (current === 'help') {
      if (key.escape || input === '?') update({ view: ui.current.helpFrom });
      return;
    }
    if (current === 'detail') return onDetailKey(input, key, typing);
    if (input === '?') return openHelp();
    if (input === 'c') return clearList();
    if (input === 'f') return store.cycleFilter();
    if (input === 'p') return store.togglePause();
    if (current === 'aliases') {
      if (key.escape || input === 'a') update({ view: 'table' });
      return;
    }
    if (input === 'a') return update({ view: 'aliases' });
    if (input === 'e') return exportRow(selectedRow());
    if (key.upArrow || input === 'k') return move(-1);
    if (key.downArrow || input === 'j') return move(1);
    if (key.pageUp) return move(-height);
    if (key.pageDown) return move(height);
    if (key.home) return update({ selectedSeq: null });
    if (key.return) {
      const row = selectedRow() ?? rowsRef.current[0];
      if (row === undefined) return;
      update({ view: 'detail', selectedSeq: row.seq, detail: initialDetailState });
    }
  };

  const onDetailKey = (input: string, key: Key, typing: boolean): void => {
    if (!typing && input === 'c') return clearList();
    const doc = docOf(selectedRow());
    if (doc === null) {
      if (key.escape) update({ view: 'table' });
      else if (key.leftArrow || key.rightArrow) move(key.leftArrow ? -1 : 1);
      return;
    }
    const { state, action } = detailKey(ui.current.detail, input, key, doc, height);
    if (state !== ui.current.detail) update({ detail: state });
    if (action === 'close') update({ view: 'table' });
    else if (action === 'help') openHelp();
    else if (action === 'export') exportRow(selectedRow());
    else if (action === 'prev' || action === 'next') {
      move(action === 'prev' ? -1 : 1);
      update({ detail: initialDetailState });
    }
  };

  // Keys typed faster than stdin is read arrive as one string ("jj", "⏎G"; Ink splits off escape
  // sequences only); each character counts as its own key press (the search line takes them one by
  // one too), Enter, Tab and Backspace among them.
  useInput((input, key) => {
    const chars = Array.from(input);
    if (chars.length > 1 && !key.ctrl && !key.meta) for (const ch of chars) onKey(ch, keyOfChar(ch, key));
    else onKey(input, key);
  });

  // a status too wide for the footer line takes the totals line too, until the next key
  const wideStatus = status !== null && !quitting && statusLines(terminalSafe(statusText(status, size.columns)), size.columns).length > 1;
  const doc = view === 'detail' ? docOf(found >= 0 || selectedSeq === null ? (rows[selected] ?? null) : null) : null;
  return (
    <Box flexDirection="column" width={size.columns}>
      <ErrorBoundary resetKey={clears}>
        <Header info={header} snapshot={snapshot} width={size.columns} />
        {view === 'help' ? (
          <HelpView height={height} width={size.columns} />
        ) : view === 'detail' ? (
          <DetailView doc={doc} state={ui.current.detail} height={height} />
        ) : view === 'aliases' ? (
          <AliasTable rows={rows} width={size.columns} height={height} />
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
        {wideStatus ? null : <TotalsBar totals={snapshot.totals} width={size.columns} />}
      </ErrorBoundary>
      <Footer snapshot={snapshot} view={view} quitting={quitting} width={size.columns} status={status} />
    </Box>
  );
}

function keyOfChar(ch: string, key: Key): Key {
  return { ...key, return: ch === '\r' || ch === '\n', tab: ch === '\t', backspace: ch === '\b', delete: ch === '\u007f' };
}

function emptyText(s: StoreSnapshot): string {
  if (s.filter !== 'all') return `  no ${s.filter === 'errors' ? 'errors' : 'blocked requests'} in the list (f changes the filter)`;
  return s.paused ? '  paused (p resumes)' : '  waiting for requests…';
}
