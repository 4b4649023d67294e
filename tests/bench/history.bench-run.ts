/**
 * The panel's history of a ~1 MB store: how long producing the full state of a random
 * recorded step takes (`jump_ms_p95`), and the memory the history holds (`panel_mb_100k`),
 * against what full copies would take (`peer_mb_100k_est`, Redux DevTools keeps a full
 * state per step).
 *
 * Steps are fed to the panel's real History as the hook sends them: the first as a full
 * state, then one delta per action changing one leaf (checked against the hook's own diff
 * on a sample). The run records HINDSIGHT_BENCH_STEPS steps (default 100,000) or stops
 * early at HINDSIGHT_BENCH_HISTORY_MB of heap growth (default 2,048): a history that copies
 * more than the change per step would exhaust the machine first. A run that stopped early
 * reports the measured steps and the 100,000-step figure extrapolated from them, and says so.
 */
import { expect, test } from 'vitest';
import { History } from '../../extension/panel/models/history';
import { diff } from '../../runtime-hook/delta';
import type { Serialized, StepEvent } from '../../runtime-hook/protocol';
import { type Figure, recordFigures } from './lib/figures';
import { quantile } from './lib/stats';

const TARGET_STEPS = Number(process.env.HINDSIGHT_BENCH_STEPS ?? 100_000);
const HEAP_CAP_MB = Number(process.env.HINDSIGHT_BENCH_HISTORY_MB ?? 2048);

type Item = { id: number; title: string; done: boolean; n: number; tags: string[] };

function makeItems(bytes: number): Item[] {
  const items: Item[] = [];
  for (let i = 0; JSON.stringify(items).length < bytes; i++)
    items.push({ id: i, title: `task number ${i} to do`, done: i % 3 === 0, n: 0, tags: ['a', 'b'] });
  return items;
}

const heapMb = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** The hook's delta for "item i's n went from a to b" (the hook sends exactly this shape). */
const touchDelta = (i: number, a: number, b: number): Serialized => ({
  items: { _t: 'a', [i]: { n: [a, b] } },
});

test('panel history: jump to any step, memory after many steps', async () => {
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
  const base = heapMb();
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
      detail: { recorded, heldMb, stoppedAt, addMsPerStep: addMs / recorded, items: items.length },
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
