/**
 * The timeline: every message, step and notice, virtualized — a fixed row height, and only
 * the rows in view (plus some overscan) exist in the DOM, so 100,000 entries scroll like
 * 100. It follows new entries while scrolled to the bottom. Clicking a step jumps the app
 * to it; clicking a message jumps to the last step it caused. ↑/↓ move the selection.
 * Scrolled up, the view holds still while the session lets go of its oldest entries: the
 * scroll position moves up by the rows that left above it (FilterResult.dropped).
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { clock, ms } from '../lib/format';
import { type Flag, messageFlags, stepFlags } from '../models/flags';
import { durationOf, waitOf } from '../models/messages';
import type { PanelModel } from '../models/panel';
import type { SessionStore } from '../models/session';
import type { Thresholds } from '../models/thresholds';
import type { Entry } from '../models/timeline';
import { FlagBadges } from './FlagBadges';

export const ROW_HEIGHT = 20;
const OVERSCAN = 5;
/** Used before the container has been measured (and in DOMs without layout). */
const FALLBACK_HEIGHT = 600;

/** Where the user scrolled to, and how many rows had left the front of the list by then. */
interface Scrolled {
  top: number;
  dropped: number;
  origin: object;
}

export function Timeline({ model }: { model: PanelModel }) {
  const store = model.view.value;
  store.version.value;
  const res = model.filter.result.value;
  const selected = model.selected.value;
  const th = model.thresholds.value.value;
  const ref = useRef<HTMLDivElement>(null);
  /** Where the user scrolled to; null while the view sticks to the newest entries. */
  const [scrolled, setScrolled] = useState<Scrolled | null>(null);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  const following = scrolled === null;
  /** The scrollTop last written (its scroll event is our own echo). */
  const written = useRef(-1);
  const total = res.length * ROW_HEIGHT;
  const bottom = Math.max(0, total - height);
  // While following, the bottom; else where the user scrolled, less the rows let go of above
  // it since, clamped like the browser does (the list may have shrunk since).
  const gone = scrolled && scrolled.origin === res.origin ? res.dropped - scrolled.dropped : 0;
  const top = scrolled ? Math.max(0, Math.min(scrolled.top - gone * ROW_HEIGHT, bottom)) : bottom;
  const now = useRef({ bottom, following });
  now.current = { bottom, following };
  const scrolledTo = (st: number): Scrolled => ({ top: st, dropped: res.dropped, origin: res.origin });

  // Keep the scroller at the bottom while following. Positions are computed, never read
  // back: a read after the DOM changed forces a layout, and this runs after every render.
  // A hidden panel is not scrolled (nothing shows it; it would only force layouts): it
  // catches up when shown.
  const stick = (): void => {
    const el = ref.current;
    const { bottom: b, following: f } = now.current;
    if (!el || !f || b === written.current) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    written.current = b;
    el.scrollTop = b;
  };

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || FALLBACK_HEIGHT);
    measure();
    document.addEventListener('visibilitychange', stick);
    const ro = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(measure);
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      document.removeEventListener('visibilitychange', stick);
    };
  }, []);

  useLayoutEffect(stick, [bottom, following]);

  // Scrolled up: rows that left above the view moved it; put the scroller where it now is.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || following || el.scrollTop === top) return;
    written.current = top;
    el.scrollTop = top;
  }, [top, following]);

  // Bring a newly selected entry into view (keyboard, flag list).
  const selPos = selected ? res.positionOf(selected.index) : -1;
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || selPos < 0) return;
    const top = selPos * ROW_HEIGHT;
    const h = el.clientHeight || height;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + h) el.scrollTop = top + ROW_HEIGHT - h;
    else return;
    written.current = -1;
    setScrolled(scrolledTo(el.scrollTop));
  }, [selected?.seq]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const st = el.scrollTop;
    // The echo of our own write: nothing moved that the render does not know.
    if (st === written.current) return;
    written.current = -1;
    // Scrolled to (near) the bottom: follow again.
    setScrolled(st + height >= total - ROW_HEIGHT ? null : scrolledTo(st));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      model.moveSelection(e.key === 'ArrowDown' ? 1 : -1);
    }
  };

  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(res.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  // Rows live in a ring of slots: entry i is always drawn by slot i mod ring, at its own
  // offset. When the window moves (a busy stream being followed moves it on every render), a
  // row still in view keeps its element and text, and only the slots of rows that left are
  // reused for rows that came in: no nodes made or dropped, and no text laid out again that
  // did not change. DOM order is not visual order; aria-posinset says where each row is.
  const ring = Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN + 1;
  const rows = [];
  for (let slot = 0; slot < ring; slot++) {
    const i = first + ((((slot - first) % ring) + ring) % ring);
    const e = i < last ? store.timeline.at(res.at(i)) : undefined;
    if (e) {
      rows.push(
        <TimelineRow
          key={slot}
          entry={e}
          position={i}
          total={res.length}
          store={store}
          th={th}
          selected={selected?.index === e.index}
          onActivate={() => model.activate(e)}
        />,
      );
    }
  }

  return (
    <div class="timeline-wrap">
      <div class="timeline-head">
        <span class="c-time">time</span>
        <span class="c-proc">process</span>
        <span class="c-kind">kind</span>
        <span class="c-name">name</span>
        <span class="c-info">wait · run</span>
        <span class="c-flags">flags</span>
      </div>
      <div
        class="timeline"
        data-testid="timeline"
        ref={ref}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        role="listbox"
        aria-label="Timeline"
      >
        <div class="timeline-spacer" style={{ height: `${total}px` }}>
          <div class="timeline-window">{rows}</div>
        </div>
        {res.length === 0 && (
          <div class="empty muted">
            {store.timeline.length ? 'Nothing matches the filter.' : 'Waiting for the page to report…'}
          </div>
        )}
      </div>
    </div>
  );
}

interface RowProps {
  entry: Entry;
  /** Its place among the filtered entries (the row is drawn there). */
  position: number;
  total: number;
  store: SessionStore;
  th: Thresholds;
  selected: boolean;
  onActivate(): void;
}

/** What a row shows beyond the entry itself, looked up from the session (visible rows only). */
interface RowFacts {
  kindLabel: string;
  info: string;
  flags: Flag[];
  /** Marks after the name: (failed), (broken), (replay). */
  marks: { text: string; cls: string }[];
  /** Extra row classes. */
  cls: string;
}

function rowFacts(e: Entry, store: SessionStore, th: Thresholds): RowFacts {
  const f: RowFacts = { kindLabel: e.kind, info: '', flags: [], marks: [], cls: '' };
  if (e.kind === 'message' && e.mid !== undefined) {
    const m = store.messages.get(e.mid);
    if (!m) return f;
    f.kindLabel = m.kind;
    const d = durationOf(m);
    if (m.startedAt !== undefined) f.info = `${ms(waitOf(m))} · ${d === undefined ? 'running' : ms(d)}`;
    else if (m.doneAt === undefined) f.info = 'queued';
    f.flags = messageFlags(m, th);
    if (m.error !== undefined) f.marks.push({ text: ' (failed)', cls: 'error-text' });
    if (m.replay) f.marks.push({ text: ' (replay)', cls: 'muted' });
    if (m.skipped) {
      f.marks.push({ text: ' (skipped)', cls: 'muted' });
      f.cls = ' skipped';
    }
  } else if (e.kind === 'step' && e.step !== undefined) {
    f.kindLabel = `step ${e.step}`;
    const rec = store.history.get(e.pid, e.step);
    if (rec) {
      f.flags = stepFlags(rec, th);
      if (rec.broken) f.marks.push({ text: ' (broken)', cls: 'warn-text' });
    }
    // The step the app currently shows (after a jump).
    if (store.processes.get(e.pid)?.travel === e.step) f.cls = ' current';
    // A step of a skipped message no longer happened in the recomputed history.
    if (e.mid !== undefined && store.messages.get(e.mid)?.skipped) f.cls += ' skipped';
  } else if (e.kind === 'notice') {
    f.kindLabel = e.level ?? 'notice';
    f.cls = ` level-${e.level ?? 'info'}`;
  }
  return f;
}

function TimelineRow({ entry: e, position, total, store, th, selected, onActivate }: RowProps) {
  const proc = e.pid ? store.processes.get(e.pid) : undefined;
  const f = rowFacts(e, store, th);
  return (
    <div
      class={`row k-${e.kind}${selected ? ' selected' : ''}${f.cls}`}
      data-testid="timeline-row"
      data-seq={e.seq}
      data-pid={e.pid}
      data-kind={e.kind}
      data-step={e.kind === 'step' ? e.step : undefined}
      data-name={e.name}
      role="option"
      aria-selected={selected}
      aria-posinset={position + 1}
      aria-setsize={total}
      tabIndex={-1}
      onClick={onActivate}
      onKeyDown={(ev) => {
        if (ev.key === 'Enter') onActivate();
      }}
      style={{ height: `${ROW_HEIGHT}px`, top: `${position * ROW_HEIGHT}px` }}
    >
      <span class="cell c-time">{clock(e.t)}</span>
      <span class="cell c-proc" title={proc?.name}>
        {proc?.name ?? ''}
      </span>
      <span class={`cell c-kind kind-${e.kind}`}>{f.kindLabel}</span>
      <span class="cell c-name" title={e.name}>
        {e.name}
        {f.marks.map((m) => (
          <span key={m.text} class={m.cls}>
            {m.text}
          </span>
        ))}
      </span>
      <span class="cell c-info">{f.info}</span>
      <span class="cell c-flags">
        <FlagBadges flags={f.flags} />
      </span>
    </div>
  );
}
