/**
 * What "replay steps A..B" sends. The user picks a range of steps; what the app can redo
 * is messages, so:
 *  - the messages are those that caused the steps A..B (inclusive), each once, in the
 *    order of their first step in the range; steps with no message (the initial state,
 *    snapshots after a resume, Hindsight's own replay resets) cannot be re-dispatched and
 *    are skipped;
 *  - a message sent from another message that is also replayed (`from`, e.g. an action
 *    dispatched inside an action) is left out: re-dispatching the parent sends it again,
 *    and sending it too would apply it twice;
 *  - messages that were themselves produced by an earlier replay are kept: they are what
 *    made those steps, so replaying them reproduces what the user saw;
 *  - the starting state is the state just before the first replayed message's first step
 *    (step A - 1 when step A's message began at A), so no message is half-applied.
 */
import type { MessageKind, Serialized } from '../../../runtime-hook/protocol';
import type { SessionStore } from './session';

export interface ReplayPlan {
  pid: string;
  state: Serialized;
  /** The step whose state `state` is. */
  fromStep: number;
  messages: { name: string; kind: MessageKind; payload?: Serialized }[];
  mids: number[];
}

export const SPEEDS = [
  { id: '0.5', label: '0.5×', intervalMs: 1000 },
  { id: '1', label: '1×', intervalMs: 500 },
  { id: '2', label: '2×', intervalMs: 250 },
  { id: 'instant', label: 'instant', intervalMs: 0 },
] as const;
export type SpeedId = (typeof SPEEDS)[number]['id'];

export const intervalFor = (speed: string): number => SPEEDS.find((s) => s.id === speed)?.intervalMs ?? 500;

export function planReplay(
  store: SessionStore,
  pid: string,
  from: number,
  to: number,
): ReplayPlan | { error: string } {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) {
    return { error: 'choose a step range with from ≤ to' };
  }
  const mids: number[] = [];
  const seen = new Set<number>();
  for (let s = from; s <= to; s++) {
    const rec = store.history.get(pid, s);
    if (rec?.mid !== undefined && !seen.has(rec.mid) && store.messages.get(rec.mid)?.pid === pid) {
      seen.add(rec.mid);
      mids.push(rec.mid);
    }
  }
  const chosen = mids.filter((mid) => {
    const parent = store.messages.get(mid)?.from;
    return parent === undefined || !seen.has(parent);
  });
  if (!chosen.length) return { error: `no recorded messages caused steps ${from}–${to}` };
  const first = store.messages.get(chosen[0])!;
  const firstStep = Math.min(...first.steps);
  const base = store.history.get(pid, firstStep - 1);
  if (base?.state === undefined) return { error: `no recorded state before step ${firstStep}` };
  return {
    pid,
    state: base.state,
    fromStep: base.step,
    mids: chosen,
    messages: chosen.map((mid) => {
      const m = store.messages.get(mid)!;
      return m.hasPayload
        ? { name: m.name, kind: m.kind, payload: m.payload }
        : { name: m.name, kind: m.kind };
    }),
  };
}
