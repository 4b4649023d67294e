/**
 * The timeline: every message, step and notice, virtualized — a fixed row height, and only
 * the rows in view (plus some overscan) exist in the DOM, so 100,000 entries scroll like
 * 100. It follows new entries while scrolled to the bottom. Clicking a step jumps the app
 * to it; clicking a message jumps to the last step it caused. ↑/↓ move the selection.
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
const OVERSCAN = 10;
/** Used before the container has been measured (and in DOMs without layout). */
const FALLBACK_HEIGHT = 600;

export function Timeline({ model }: { model: PanelModel }) {
  const store = model.view.value;
  store.version.value;
  const res = model.filter.result.value;
  const selected = model.selected.value;
  const th = model.thresholds.value.value;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  const follow = useRef(true);
  const total = res.length * ROW_HEIGHT;

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || FALLBACK_HEIGHT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Stay at the bottom while following.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && follow.current && total > el.clientHeight) {
      el.scrollTop = total;
      setScrollTop(el.scrollTop);
    }
  }, [total]);

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
    follow.current = false;
    setScrollTop(el.scrollTop);
  }, [selected?.seq]);

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      model.moveSelection(e.key === 'ArrowDown' ? 1 : -1);
    }
  };

  // Clamp like the browser does (the list may have shrunk since the last scroll event).
  const top = Math.max(0, Math.min(scrollTop, total - height));
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(res.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) {
    const e = store.timeline.at(res.at(i));
    if (e) {
      rows.push(
        <TimelineRow
          key={e.index}
          entry={e}
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
          <div class="timeline-window" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
            {rows}
          </div>
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

function TimelineRow({ entry: e, store, th, selected, onActivate }: RowProps) {
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
      tabIndex={-1}
      onClick={onActivate}
      onKeyDown={(ev) => {
        if (ev.key === 'Enter') onActivate();
      }}
      style={{ height: `${ROW_HEIGHT}px` }}
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
