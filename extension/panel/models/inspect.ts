/**
 * What the inspector shows for a timeline entry: the message, the steps it caused, the
 * state at that point, and the diff from the step before (the recorded delta when there is
 * exactly one, else one computed between the two states).
 */
import type { Delta, Serialized } from '../../../runtime-hook/protocol';
import { diffStates } from '../lib/jsondiff';
import type { StepRecord } from './history';
import type { MessageRow } from './messages';
import type { ProcessRow } from './processes';
import type { SessionStore } from './session';
import type { Entry } from './timeline';

export type DiffInfo =
  | { kind: 'recorded' | 'computed'; delta: Delta | undefined; fromStep: number; toStep: number }
  | { kind: 'none'; reason: string };

export interface Inspection {
  entry: Entry;
  process?: ProcessRow;
  message?: MessageRow;
  /** Steps caused (a message), or the one step. */
  steps: StepRecord[];
  /** The state after the entry (last step caused). */
  state?: { step: number; value: Serialized };
  broken?: string;
  diff: DiffInfo;
}

// One-entry cache: re-inspecting the same pair of states (each new batch re-runs the
// inspection) must not diff again.
let cache: { a: Serialized; b: Serialized; delta: Delta | undefined } | undefined;
function cachedDiff(a: Serialized, b: Serialized): Delta | undefined {
  if (cache && cache.a === a && cache.b === b) return cache.delta;
  const delta = diffStates(a, b);
  cache = { a, b, delta };
  return delta;
}

function diffBetween(store: SessionStore, pid: string, first: StepRecord, last: StepRecord): DiffInfo {
  if (last.broken) return { kind: 'none', reason: `step ${last.step} is broken: ${last.broken}` };
  if (first === last && first.delta !== undefined) {
    return { kind: 'recorded', delta: first.delta, fromStep: first.step - 1, toStep: first.step };
  }
  const before = store.history.get(pid, first.step - 1);
  if (!before) {
    return {
      kind: 'none',
      reason: first.step === 0 ? 'initial state: nothing before it' : 'no earlier state recorded',
    };
  }
  if (before.state === undefined || last.state === undefined) {
    return { kind: 'none', reason: `step ${before.step} is broken` };
  }
  return {
    kind: 'computed',
    delta: cachedDiff(before.state, last.state),
    fromStep: before.step,
    toStep: last.step,
  };
}

export function inspect(store: SessionStore, entry: Entry): Inspection {
  const process = entry.pid ? store.processes.get(entry.pid) : undefined;
  const message = entry.mid !== undefined ? store.messages.get(entry.mid) : undefined;
  let steps: StepRecord[] = [];
  if (entry.kind === 'step' && entry.step !== undefined) {
    const rec = store.history.get(entry.pid, entry.step);
    if (rec) steps = [rec];
  } else if (entry.kind === 'message' && message) {
    steps = message.steps.map((s) => store.history.get(message.pid, s)).filter((r): r is StepRecord => !!r);
  }
  const out: Inspection = { entry, process, message, steps, diff: { kind: 'none', reason: '' } };
  if (!steps.length) {
    out.diff = {
      kind: 'none',
      reason: entry.kind === 'message' ? 'this message changed no state' : 'no state recorded for this entry',
    };
    return out;
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  if (last.state !== undefined) out.state = { step: last.step, value: last.state };
  if (last.broken) out.broken = last.broken;
  out.diff = diffBetween(store, entry.pid, first, last);
  return out;
}
