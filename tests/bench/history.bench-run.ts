/**
 * The panel's history of a ~1 MB store: how long producing the full state of a random
 * recorded step takes (`jump_ms_p95`), the memory the history holds (`panel_mb_100k`),
 * against what full copies would take (`peer_mb_100k_est`, Redux DevTools keeps a full
 * state per step), and the time to record one step (`history_add_us`), against patching
 * an immutable copy per step (`peer_add_us_copy`, what the history did before: it copies
 * the 12,954-slot array every step).
 *
 * Steps are fed to the panel's real History as the hook sends them: the first as a full
 * state, then one delta per action changing one leaf (checked against the hook's own diff
 * on a sample). The run records HINDSIGHT_BENCH_STEPS steps (default 100,000) or stops
 * early at HINDSIGHT_BENCH_HISTORY_MB of heap growth (default 2,048): a history that copies
 * more than the change per step would exhaust the machine first. A run that stopped early
 * reports the measured steps and the 100,000-step figure extrapolated from them, and says so.
 *
 * Memory is the heap after a full garbage collection (the bench project runs node with
 * --expose-gc; the run refuses to measure without it), from before the store was built, so
 * the first full state the history keeps is counted too.
 */
import { expect, test } from 'vitest';
import { History } from '../../extension/panel/models/history';
import { diff, patchImmutable } from '../../runtime-hook/delta';
import type { Serialized, StepEvent } from '../../runtime-hook/protocol';
import { type Figure, recordFigures } from './lib/figures';
import { quantile } from './lib/stats';

const TARGET_STEPS = Number(process.env.HINDSIGHT_BENCH_STEPS ?? 100_000);
const HEAP_CAP_MB = Number(process.env.HINDSIGHT_BENCH_HISTORY_MB ?? 2048);

type Item = { id: number; title: string; done: boolean; n: number; tags: string[] };

function makeItems(bytes: number): Item[] {
  const items: Item[] = [];
  // JSON.stringify(items).length, kept up to date item by item ('[' + items joined by ',' + ']').
  for (let i = 0, len = 2; len < bytes; i++) {
    const item = { id: i, title: `task number ${i} to do`, done: i % 3 === 0, n: 0, tags: ['a', 'b'] };
    len += JSON.stringify(item).length + (i > 0 ? 1 : 0);
    items.push(item);
  }
  return items;
}

const gc = (globalThis as { gc?: () => void }).gc;

const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** The hook's delta for "item i's n went from a to b" (the hook sends exactly this shape). */
const touchDelta = (i: number, a: number, b: number): Serialized => ({
  items: { _t: 'a', [i]: { n: [a, b] } },
});

test('panel history: jump to any step, memory after many steps', async () => {
  // Without a collection before each reading the heap figure is whatever garbage is pending.
  expect(gc, 'run with --expose-gc (the bench project in vitest.config.ts does)').toBeTypeOf('function');
  const base = heapMb();
  const items = makeItems(1024 * 1024);
  const stateBytes = JSON.stringify({ items }).length;
  const counts = new Array<number>(items.length).fill(0);
  // The delta shape is the hook's: check it on a sample against the real diff.
  {
    const before = { items: items.slice(0, 5) } as unknown as Serialized;
    const after = { items: items.slice(0, 5).map((x, i) => (i === 3 ? { ...x, n: 1 } : x)) };
    expect(diff(before, after as unknown as Serialized)).toEqual(touchDelta(3, 0, 1));
  }
  const h = new History();
  const ev = (step: number, extra: Partial<StepEvent>): StepEvent =>
    ({
      type: 'step',
      seq: step + 1,
      t: step,
      pid: 'p',
      step,
      stats: { size: stateBytes },
      ...extra,
    }) as StepEvent;
  h.add(ev(0, { full: { items } as unknown as Serialized }));
  let steps = 1;
  let stoppedAt: number | undefined;
  const t0 = performance.now();
  for (; steps < TARGET_STEPS; steps++) {
    const i = (steps * 7919) % items.length;
    const a = counts[i]++;
    h.add(ev(steps, { delta: touchDelta(i, a, a + 1) }));
    if (steps % 500 === 0 && process.memoryUsage().heapUsed / 1024 / 1024 - base > HEAP_CAP_MB) {
      stoppedAt = steps;
      break;
    }
  }
  const addMs = performance.now() - t0;
  const recorded = steps;
  const heldMb = Math.max(0, heapMb() - base);
  // The peer: a new immutable state per step (patchImmutable), each replacing the last.
  const peerSteps = 2000;
  let peerState = h.get('p', 0)?.state as Serialized;
  const p0 = performance.now();
  for (let k = 0; k < peerSteps; k++) {
    const i = (k * 7919) % items.length;
    peerState = patchImmutable(peerState, touchDelta(i, 0, 0));
  }
  const peerAddUs = ((performance.now() - p0) * 1000) / peerSteps;
  expect((peerState as { items: Item[] }).items.length).toBe(items.length);
  // Jumps: the full state of random recorded steps.
  const times: number[] = [];
  let check = 0;
  for (let k = 0; k < 2000; k++) {
    const s = Math.floor(Math.random() * recorded);
    const j0 = performance.now();
    const st = h.get('p', s)?.state as { items: Item[] } | undefined;
    check += st?.items.length ?? 0;
    times.push(performance.now() - j0);
  }
  expect(check).toBe(2000 * items.length);
  const scale = TARGET_STEPS / recorded;
  const figures: Figure[] = [
    {
      name: 'jump_ms_p95',
      value: quantile(times, 0.95),
      unit: 'ms',
      target: { max: 16 },
      note: `full state of a random step among ${recorded.toLocaleString('en')} recorded`,
    },
    {
      name: 'panel_mb_100k',
      value: heldMb * scale,
      unit: 'MB',
      target: { max: 150 },
      note:
        stoppedAt === undefined
          ? `heap held by the history after ${recorded.toLocaleString('en')} steps`
          : `EXTRAPOLATED: stopped at ${recorded.toLocaleString('en')} steps (${Math.round(heldMb)} MB)`,
      detail: {
        recorded,
        heldMb,
        stoppedAt,
        estimateMb: h.bytes / 1024 / 1024,
        heapBytesPerStep: (heldMb * 1024 * 1024) / recorded,
        estimateBytesPerStep: h.bytes / recorded,
        items: items.length,
      },
    },
    {
      name: 'history_add_us',
      value: (addMs * 1000) / recorded,
      unit: 'us',
      note: `mean time to record one delta step (History.add) over ${recorded.toLocaleString('en')}, checkpoints included`,
    },
    {
      name: 'peer_add_us_copy',
      value: peerAddUs,
      unit: 'us',
      note: `patchImmutable per step on the same store (copies the ${items.length.toLocaleString('en')}-slot array), mean of ${peerSteps.toLocaleString('en')}`,
    },
    {
      name: 'peer_mb_100k_est',
      value: (stateBytes * 2 * TARGET_STEPS) / 1024 / 1024,
      unit: 'MB',
      note: 'a full copy per step (JSON size × 2 bytes per char, a lower bound for objects)',
    },
  ];
  recordFigures('history', figures);
}, 600_000);
