/**
 * Rounds of CPU per action for benchmark sides run in one process (capture.bench-run.ts,
 * liveview-capture.bench-run.ts), and the connected hook they measure.
 */
import type { Hook } from '../../../runtime-hook/hook';
import { pageHook } from '../../support/page-hook';
import { median } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Side {
  run(n: number): void;
}

/** A hook whose extension acks every batch and keeps nothing: the page's cost only. */
export function connectedHook(): Hook {
  return pageHook((m, send) => {
    const e = m as { kind?: string; first?: number; count?: number };
    if (e.kind === 'batch' && e.first !== undefined && e.count !== undefined) {
      const seq = e.first + e.count - 1;
      queueMicrotask(() => send({ type: 'ack', seq }));
    }
  }).hook;
}

/** CPU µs per action of `side` over one block, its flush included. */
async function block(side: Side, n: number): Promise<number> {
  await sleep(20);
  const t0 = process.cpuUsage();
  side.run(n);
  await sleep(40); // the hook flushes on a 16 ms timer
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / n;
}

/** Actions each side runs before anything is measured (the same for both). */
export const WARM_ACTIONS = 2000;

export interface Costs {
  /** Median CPU µs per action of each side's whole block. */
  plain: number;
  ours: number;
  peer: number;
  /** What Hindsight and the peer add over the plain store (medians of per-round differences). */
  oursAdded: number;
  peerAdded: number;
  /** The extra sides' added costs (the floor, the lean path), in the order given. */
  extraAdded: number[];
}

/**
 * Rounds of one block per side, the order rotating each round (plain, ours, peer; then
 * ours, peer, plain; …), after the same warm-up for all. Added costs are medians of the
 * per-round differences with that round's plain block, so slow stretches of a shared
 * machine fall on both terms.
 */
export async function compare(
  ours: Side,
  peer: Side,
  plain: Side,
  perBlock: number,
  rounds: number,
  extra: Side[] = [],
  warm = WARM_ACTIONS,
): Promise<Costs> {
  const sides = [plain, ours, peer, ...extra];
  for (let n = 0; n < warm; n += perBlock) {
    for (const side of sides) side.run(perBlock);
    await sleep(1);
  }
  for (const side of sides) await block(side, perBlock);
  const xs: number[][] = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < sides.length; j++) {
      const k = (j + r) % sides.length;
      xs[k].push(await block(sides[k], perBlock));
    }
  }
  const added = (k: number) => median(xs[k].map((x, r) => x - xs[0][r]));
  return {
    plain: median(xs[0]),
    ours: median(xs[1]),
    peer: median(xs[2]),
    oursAdded: added(1),
    peerAdded: added(2),
    extraAdded: extra.map((_, i) => added(3 + i)),
  };
}
