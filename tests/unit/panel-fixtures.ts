/**
 * Builders for panel tests: realistic HookEvent sequences (deltas made with the hook's own
 * `diff`, as the page would send them) and a fake PanelLink that records commands.
 */

import type { KeyValueStore } from '../../extension/panel/lib/storage';
import type { PanelLink } from '../../extension/panel/link-types';
import {
  createPanelModel,
  type PanelModel,
  type PanelModelOptions,
} from '../../extension/panel/models/panel';
import { diff } from '../../runtime-hook/delta';
import type {
  Capabilities,
  Command,
  HookEvent,
  MessageKind,
  ProcessKind,
  Serialized,
  StateStats,
} from '../../runtime-hook/protocol';

/** Settings storage in memory (what localStorage is to the panel). */
export class MemoryStorage implements KeyValueStore {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
}

export class FakeLink implements PanelLink {
  sent: Command[] = [];
  closed = false;
  send(cmd: Command): void {
    this.sent.push(cmd);
  }
  close(): void {
    this.closed = true;
  }
}

export const statsOf = (state: Serialized, extra: Partial<StateStats> = {}): StateStats => ({
  size: JSON.stringify(state).length,
  ...extra,
});

/** An event without seq (assigned here) and with t optional (defaults to the last t + 1). */
type Draft = HookEvent extends infer E
  ? E extends HookEvent
    ? Omit<E, 'seq' | 't'> & { t?: number }
    : never
  : never;

/** Produces events with contiguous seq and increasing t, tracking each process's last state. */
export class Script {
  seq = 0;
  t = 1_000_000;
  mid = 0;
  events: HookEvent[] = [];
  private last = new Map<string, { step: number; state: Serialized }>();

  private push(e: Draft): HookEvent {
    this.t = e.t ?? this.t + 1;
    const ev = { ...e, seq: ++this.seq, t: this.t } as HookEvent;
    this.events.push(ev);
    return ev;
  }

  /** Take the events produced since the last take (one delivered batch). */
  take(): HookEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  process(
    pid: string,
    name: string,
    opts: { kind?: ProcessKind; parent?: string; caps?: Capabilities } = {},
  ) {
    return this.push({
      type: 'process',
      pid,
      name,
      kind: opts.kind ?? 'store',
      caps: opts.caps ?? { jump: true, replay: true },
      ...(opts.parent ? { parent: opts.parent } : {}),
    });
  }

  queued(
    pid: string,
    name: string,
    payload?: Serialized,
    opts: { kind?: MessageKind; from?: number; replay?: boolean; t?: number } = {},
  ) {
    const mid = ++this.mid;
    this.push({
      type: 'queued',
      pid,
      mid,
      name,
      kind: opts.kind ?? 'action',
      ...(payload !== undefined ? { payload } : {}),
      ...(opts.from !== undefined ? { from: opts.from } : {}),
      ...(opts.replay ? { replay: true } : {}),
      t: opts.t,
    });
    return mid;
  }

  started(mid: number, t?: number) {
    return this.push({ type: 'started', mid, t });
  }

  done(mid: number, opts: { error?: string; t?: number } = {}) {
    return this.push({ type: 'done', mid, t: opts.t, ...(opts.error ? { error: opts.error } : {}) });
  }

  /** A step: full for the first of a process (or when asked), else a delta from the last state. */
  step(
    pid: string,
    state: Serialized,
    opts: {
      mid?: number;
      mutation?: string;
      payload?: Serialized;
      full?: boolean;
      stats?: StateStats;
      t?: number;
    } = {},
  ) {
    const prev = this.last.get(pid);
    const step = prev ? prev.step + 1 : 0;
    const full = opts.full || !prev;
    const ev = this.push({
      type: 'step',
      pid,
      step,
      stats: opts.stats ?? statsOf(state),
      ...(opts.mid !== undefined ? { mid: opts.mid } : {}),
      ...(opts.mutation
        ? {
            mutation: {
              name: opts.mutation,
              ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
            },
          }
        : {}),
      ...(full ? { full: state } : { delta: diff(prev!.state, state) ?? {} }),
      t: opts.t,
    });
    this.last.set(pid, { step, state });
    return ev;
  }

  travel(pid: string, step: number | null) {
    return this.push({ type: 'travel', pid, step });
  }

  replay(pid: string, state: 'running' | 'done' | 'failed' | 'stopped', index: number, total: number) {
    return this.push({ type: 'replay', pid, state, index, total });
  }

  notice(text: string, level: 'info' | 'warn' | 'error' = 'info', dropped?: number) {
    return this.push({ type: 'notice', level, text, ...(dropped ? { dropped } : {}) });
  }

  /** A whole message: queued, started, one step per mutation, done. */
  message(
    pid: string,
    name: string,
    payload: Serialized | undefined,
    states: Serialized[],
    opts: { wait?: number; run?: number } = {},
  ) {
    const mid = this.queued(pid, name, payload);
    this.started(mid, this.t + (opts.wait ?? 1));
    for (const s of states) this.step(pid, s, { mid, mutation: `${name}/commit` });
    this.done(mid, { t: this.t + (opts.run ?? 1) });
    return mid;
  }
}

/** A panel model attached to a FakeLink, connected, with SESSION announced. */
export function connectedModel(opts?: PanelModelOptions): { model: PanelModel; link: FakeLink } {
  const model = createPanelModel(opts);
  const link = new FakeLink();
  model.attach(link);
  model.handlers.status('connected');
  model.handlers.session(SESSION);
  return { model, link };
}

export const SESSION = { session: 's1', hook: '0.1.0', url: 'http://localhost:5173/', startedAt: 1_000_000 };
