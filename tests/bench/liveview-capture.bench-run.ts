/**
 * Capture cost per LiveView diff: a LiveView process as the observer sets it up (the capture
 * switches with the page's size, capture.ts's `sizedImmutableCapture`) against the same
 * process walked whole with the serializer's cache (what LiveView processes did before, and
 * what a process with no capture gets), in this one process, alternating blocks.
 *
 * - Page: a LiveView 1.1+ keyed comprehension (`{ k: { 0: …, kc } }`) of table rows, about
 *   10 KB, 100 KB and 1 MB of JSON, merged by the adapter's RenderedTree; each diff changes
 *   one row's cell, as a server's diff of one changed row does.
 * - Each diff: merged, then recorded as the observer records an inbound diff (a step named by
 *   its event with its byte count), the hook connected to an in-memory extension that acks
 *   every batch.
 * - Plain: the same merges with nothing recorded. What a side adds is the median of its
 *   per-round differences with the plain block (lib/rounds.ts).
 * Reported, no target: `liveview_capture_ratio_*` = the walk's added µs ÷ ours.
 */
import { test } from 'vitest';
import { sizedImmutableCapture } from '../../runtime-hook/capture';
import { RenderedTree } from '../../runtime-hook/liveview/rendered';
import { type Figure, recordFigures } from './lib/figures';
import { compare, connectedHook, type Side } from './lib/rounds';

type Row = Record<string, string>;

/** A keyed comprehension of about `bytes` of JSON, its row count, and the join's rendered. */
function page(bytes: number): { rows: number; join: Record<string, unknown> } {
  const k: Record<string, Row | number> = {};
  let n = 0;
  // Each entry's JSON counted as it is added (`"n":{…},`): one stringify of the whole per row
  // would take minutes at 1 MB.
  for (let size = 2; size < bytes; n++) {
    k[n] = { 0: String(n), 1: `row title ${n}`, 2: 'open' };
    size += JSON.stringify(k[n]).length + String(n).length + 4;
  }
  k.kc = n;
  const rows = { k, s: ['<tr id="r', '"><td>', '</td><td>', '</td></tr>'] };
  return { rows: n, join: { 0: 'Todos', 1: rows, s: ['<h1>', '</h1><table>', '</table>'] } };
}

/** Diffs merged into a fresh tree; `record` (if any) is given each merged state. */
function side({ rows, join }: ReturnType<typeof page>, record?: 'ours' | 'walk'): Side {
  const tree = new RenderedTree();
  tree.reset(structuredClone(join));
  const state = () => ({ rendered: tree.tree, streams: tree.streams, title: tree.title });
  const proc =
    record &&
    connectedHook().process({
      name: 'lv:bench',
      kind: 'liveview',
      getState: state,
      ...(record === 'ours' ? { capture: sizedImmutableCapture() } : { immutable: true }),
    });
  let c = 0;
  return {
    run: (n) => {
      for (let j = 0; j < n; j++) {
        const i = c++ % rows;
        const diff = { 1: { k: { [i]: { 1: `row title ${i} (${c})` }, kc: rows } } };
        tree.merge(diff);
        proc?.step({ name: 'diff', payload: { bytes: 40 } }, state());
      }
    },
  };
}

test('LiveView capture cost per diff: switching capture vs a walk', async () => {
  const figures: Figure[] = [];
  for (const [label, bytes, perBlock, warm] of [
    ['10kb', 10 * 1024, 400, 2000],
    ['100kb', 100 * 1024, 200, 1000],
    // A walk of 1 MB takes milliseconds a diff: fewer to warm up and a block.
    ['1mb', 1024 * 1024, 60, 240],
  ] as const) {
    const p = page(bytes);
    const c = await compare(side(p, 'ours'), side(p, 'walk'), side(p), perBlock, 9, [], warm);
    figures.push({
      name: `liveview_capture_ratio_${label}`,
      value: c.peerAdded / c.oursAdded,
      unit: 'x',
      note: `a LiveView page of ${label} (a keyed comprehension), one row changed per diff: ours ${c.oursAdded.toFixed(1)} µs, walked whole ${c.peerAdded.toFixed(1)} µs, the adapter's merge ${c.plain.toFixed(1)} µs`,
      detail: { bytes: JSON.stringify(p.join).length, rows: p.rows, perBlock, ...c },
    });
  }
  recordFigures('liveview-capture', figures);
}, 600_000);
