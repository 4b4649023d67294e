/**
 * After a replay: did each re-sent message do what it did when it was recorded? For a
 * LiveView the server answers again, so the question is whether the new reply changed the
 * state the way the recorded reply did. Each replayed message is paired, in order, with the
 * recorded one it re-sent; what each changed is the diff across its steps, and the two are
 * compared at every path either one touched, by the value it left there.
 */
import type { MessageKind, Serialized } from '../../../runtime-hook/protocol';
import { deltaLines } from '../lib/deltaLines';
import { diffStates } from '../lib/jsondiff';
import { pathText } from '../lib/serialized';
import type { MessageRow } from './messages';
import type { SessionStore } from './session';

/** What the panel remembers of a replay it started, to compare once replies are in. */
export interface ReplayRun {
  /** Where the recorded messages are (the live session, or an imported file). */
  source: SessionStore;
  sourcePid: string;
  mids: number[];
  /** The live process that replays, and the newest mid before the run started. */
  pid: string;
  afterMid: number;
  kinds: ReadonlySet<MessageKind>;
}

export interface ReplayPair {
  name: string;
  recordedMid: number;
  replayedMid?: number;
  /** Not answered yet, answered the same way, or differently (`paths`: where). */
  verdict: 'pending' | 'same' | 'differs';
  paths: string[];
  /** When the two could not be compared by state (a failed message, another name). */
  why?: string;
}

const MAX_PATHS = 8;

/** The replayed messages of `run`, in the order they were sent (not the replies they caused). */
function replayedOf(live: SessionStore, run: ReplayRun): MessageRow[] {
  const out: MessageRow[] = [];
  for (const [mid, m] of live.messages.byMid) {
    if (mid <= run.afterMid || m.pid !== run.pid || !m.replay || m.from !== undefined) continue;
    if (run.kinds.has(m.kind)) out.push(m);
  }
  return out.sort((a, b) => a.mid - b.mid);
}

/** The state before a message's first step and after its last (undefined: no steps). */
function change(store: SessionStore, m: MessageRow): { before: Serialized; after: Serialized } | undefined {
  if (!m.steps.length) return undefined;
  const first = Math.min(...m.steps);
  const last = Math.max(...m.steps);
  const before = store.history.get(m.pid, first - 1)?.state;
  const after = store.history.get(m.pid, last)?.state;
  return before === undefined || after === undefined ? undefined : { before, after };
}

function at(v: Serialized | undefined, path: readonly (string | number)[]): Serialized | undefined {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, Serialized>)[k];
  }
  return cur;
}

const same = (a: Serialized | undefined, b: Serialized | undefined): boolean =>
  a === b || JSON.stringify(a) === JSON.stringify(b);

/** Paths either change touched where the two left different values. */
export function differingPaths(
  rec: { before: Serialized; after: Serialized } | undefined,
  rep: { before: Serialized; after: Serialized } | undefined,
): string[] {
  const touched = new Map<string, (string | number)[]>();
  for (const c of [rec, rep]) {
    if (!c) continue;
    for (const line of deltaLines(diffStates(c.before, c.after), 500).lines)
      touched.set(pathText(line.path), line.path);
  }
  const out: string[] = [];
  for (const [text, path] of touched) {
    if (!same(at(rec?.after, path), at(rep?.after, path))) out.push(text);
    if (out.length >= MAX_PATHS) break;
  }
  return out;
}

/**
 * Verdicts already reached, per run: a replayed message that is done takes no more steps, so
 * its verdict stands. The report is asked again after every batch of events; this keeps it
 * from rebuilding those states each time, and from changing its mind once the budget lets
 * the states go.
 */
const decided = new WeakMap<ReplayRun, Map<number, ReplayPair>>();

export function compareReplay(live: SessionStore, run: ReplayRun): ReplayPair[] {
  const memo = decided.get(run) ?? new Map<number, ReplayPair>();
  decided.set(run, memo);
  if (memo.size === run.mids.length) return run.mids.map((mid) => memo.get(mid) as ReplayPair);
  const replayed = replayedOf(live, run);
  return run.mids.map((mid, i): ReplayPair => {
    const had = memo.get(mid);
    if (had) return had;
    const pair = judge(live, run, mid, replayed[i]);
    if (pair.verdict !== 'pending') memo.set(mid, pair);
    return pair;
  });
}

function judge(live: SessionStore, run: ReplayRun, mid: number, again: MessageRow | undefined): ReplayPair {
  const recorded = run.source.messages.get(mid);
  const name = recorded?.name ?? `#${mid}`;
  const base = { name, recordedMid: mid, paths: [] as string[] };
  if (!recorded || !again || again.doneAt === undefined) return { ...base, verdict: 'pending' };
  const pair = { ...base, replayedMid: again.mid };
  if (again.name !== recorded.name) return { ...pair, verdict: 'differs', why: `replayed as ${again.name}` };
  if ((again.error ?? '') !== (recorded.error ?? ''))
    return {
      ...pair,
      verdict: 'differs',
      why: again.error ? `failed: ${again.error}` : 'succeeded this time',
    };
  const paths = differingPaths(change(run.source, recorded), change(live, again));
  return { ...pair, verdict: paths.length ? 'differs' : 'same', paths };
}

/** The newest mid of a session (mids only grow), for telling a replay's messages apart. */
export function newestMid(store: SessionStore): number {
  let max = 0;
  for (const mid of store.messages.byMid.keys()) if (mid > max) max = mid;
  return max;
}
