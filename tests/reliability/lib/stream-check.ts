/**
 * What a panel holds of a page's stream, read from its model in the panel page: every
 * event once and in sequence, and the app's messages of one streaming process in the order
 * the app sent them. One expression for both drivers (playwright and puppeteer evaluate it
 * as a string).
 */
import { IGNORED_REASONS } from '../../../extension/panel/sequencer';

export interface Held {
  session: string | null;
  count: number;
  first: number;
  last: number;
  /** Sequence numbers missing between the first and the last held. */
  gaps: number;
  /** Events held twice. */
  dups: number;
  /** Events held after a later one. */
  back: number;
  /** `tick` messages of the streaming process, and how many came after a later one (or twice). */
  ticks: number;
  misplaced: number;
  /** Counted drops (not the "ignored" kinds, which lose nothing) and the page's own. */
  drops: number;
  pageDropped: number;
}

/**
 * `store` is an expression for the SessionStore to read, with `m` the panel model, e.g.
 * `m.live.value` or `m.earlier.list.value[0].store`; `pid` the streaming process.
 */
export const heldExpr = (store: string, pid: string): string => `(() => {
  const m = globalThis.__HINDSIGHT_PANEL__;
  const s = ${store};
  const raw = s.raw;
  let gaps = 0, dups = 0, back = 0, ticks = 0, misplaced = 0;
  for (let i = 1; i < raw.length; i++) {
    const d = raw[i].seq - raw[i - 1].seq;
    if (d === 0) dups++;
    else if (d < 0) back++;
    else gaps += d - 1;
  }
  let prev = -1;
  for (const e of raw) {
    if (e.type !== 'queued' || e.pid !== ${JSON.stringify(pid)} || e.name !== 'tick') continue;
    const i = e.payload ? e.payload.i : -1;
    if (!(i > prev)) misplaced++;
    else prev = i;
    ticks++;
  }
  const ignored = ${JSON.stringify(IGNORED_REASONS)};
  let drops = 0;
  for (const d of m.drops.value) if (!(d.where === 'panel' && ignored.includes(d.reason))) drops += d.count;
  return {
    session: s.info ? s.info.session : null,
    count: raw.length,
    first: raw.length ? raw[0].seq : 0,
    last: raw.length ? raw[raw.length - 1].seq : 0,
    gaps, dups, back, ticks, misplaced, drops,
    pageDropped: s.pageDropped,
  };
})()`;

/** Events not held once and in order, for a stream whose page ended at `lastSeq`. */
export function lossOf(h: Held, lastSeq: number) {
  return {
    lost: Math.max(0, lastSeq - (h.count - h.dups)),
    duplicated: h.dups,
    reordered: h.back + h.misplaced,
  };
}
