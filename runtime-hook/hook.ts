/**
 * The in-page hook. Until the extension's content script says `connect`, registering a
 * process only stores its options and every report is a cheap early return: no
 * serialization, no timers, no messages. Once connected, it records into the outbox,
 * which streams to the panel only after the panel asks (`sync`).
 */
import { diff } from './delta';
import { Outbox, type OutboxLimits, type OutEvent } from './outbox';
import type {
  Capabilities,
  Command,
  Delta,
  MessageKind,
  ProcessEvent,
  ProcessKind,
  ProcessStatus,
  Serialized,
  StateStats,
  StoreOp,
} from './protocol';
import {
  decodeExtEnvelope,
  EXT_SOURCE,
  MAX_TEXT_CHARS,
  PAGE_SOURCE,
  PROTOCOL_VERSION,
  STORE_OP_MUTATION,
} from './protocol';
import {
  createSerializeCache,
  revive,
  type SerializeCache,
  type SerializeOptions,
  serialize,
} from './serialize';

export const HOOK_VERSION = '0.1.0';

export interface ProcessOptions {
  name: string;
  kind?: ProcessKind;
  parent?: ProcessHandle | string;
  /** Current state; read for the first snapshot and after recording resumes. */
  getState?: () => unknown;
  /**
   * Set the state back (enables jump). Called with a revived past state, and what for:
   * the recorded step jumped to (null for the present / a replay's start state).
   */
  setState?: (state: unknown, info: SetStateInfo) => void;
  /** Re-dispatch a recorded message (enables replay). May return a promise. */
  replay?: (msg: { name: string; kind: MessageKind; payload: unknown }) => unknown;
  /**
   * The store never mutates in place: a same reference means the same content, so the default
   * capture (a full walk) reuses what it serialized before. Not read with a `capture`.
   */
  immutable?: boolean;
  /**
   * How each snapshot is captured, when the adapter knows better than a full walk (capture.ts,
   * track.ts): cost that grows with the change, not the state.
   */
  capture?: Capture;
  /** A past state can be shown without touching the app (LiveView renders its HTML). */
  preview?: boolean;
  /**
   * Sizes of parts of the state measured elsewhere (a server's assigns), merged into each
   * snapshot's `stats.keys` so the panel's per-key flags see them.
   */
  keySizes?: () => Record<string, number> | undefined;
  /**
   * Skip (or un-skip) recorded message `mid` and recompute the later states (enables the
   * panel's toggle; Redux-style stores whose reducer is known). Reports its own step.
   */
  toggle?: (mid: number) => void;
  /**
   * Store operations (commit, reset, rollback, lock, unlock) the process carries out. `run`
   * sets the state as the op says; the hook then records the answer step
   * (STORE_OP_MUTATION[op]) from `getState`. Throwing refuses the op with a notice.
   */
  storeOps?: { ops: readonly StoreOp[]; run(op: StoreOp): void };
}

/**
 * A capture strategy: the value, stats and (when it knows it) the delta from `last`, the value
 * recorded before; `last` is undefined when a full snapshot starts a new chain. The value is
 * the strategy's own mirror of the state: the next call may update it in place, so it is only
 * read (encoded) before then, never kept as a snapshot.
 */
export type Capture = (
  state: unknown,
  opts: Partial<SerializeOptions>,
  last?: Serialized,
) => { value: Serialized; stats: StateStats; delta?: Delta };

export interface SetStateInfo {
  reason: 'jump' | 'present' | 'replay';
  /** The recorded step for a jump; null otherwise. */
  step: number | null;
}

/** Connection state, for adapters that mirror it to the app (Redux DevTools' START / PAUSE_RECORDING). */
export interface HookStatus {
  connected: boolean;
  recording: boolean;
}

export interface MessageHandle {
  readonly mid: number;
  /** `at`: when it started, if not now (a time reported by a server). */
  start(at?: number): void;
  done(error?: unknown, at?: number): void;
}

export interface ProcessHandle {
  readonly pid: string;
  /** A message entered this process's mailbox. */
  queue(
    name: string,
    payload?: unknown,
    kind?: MessageKind,
    from?: MessageHandle,
    at?: number,
  ): MessageHandle;
  /** The process has a new state after `mutation` (state defaults to getState()); `at`: when, if not now. */
  step(
    mutation?: { name: string; payload?: unknown },
    state?: unknown,
    during?: MessageHandle,
    at?: number,
  ): void;
  status(status: ProcessStatus, reason?: string): void;
  exit(reason?: string): void;
}

export interface HookOptions {
  serialize: Partial<SerializeOptions>;
  history: Partial<OutboxLimits>;
  /** How envelopes reach the content script (default: this window's postMessage). */
  transport: PageTransport;
}

/** The page end of the page ⇄ content-script channel. */
export interface PageTransport {
  post(envelope: object): void;
  /** Calls back with data of messages from this same window only. */
  listen(onData: (data: unknown) => void): void;
}

export const windowTransport = (): PageTransport => ({
  post: (m) => window.postMessage(m, location.origin === 'null' ? '*' : location.origin),
  listen: (onData) =>
    window.addEventListener('message', (e) => {
      if (e.source === window) onData(e.data);
    }),
});

interface Proc {
  pid: string;
  opts: ProcessOptions;
  parent?: string;
  steps: number;
  last?: Serialized;
  cache?: SerializeCache;
  /** Set while the app shows a past step: the live state to return to. */
  past?: { live: unknown; stepsAtJump: number };
  replayRun?: { stopped: boolean };
  /** Its last step was dropped as too large: the next one is sent whole. */
  broke?: boolean;
}

const NOOP_MSG: MessageHandle = { mid: 0, start() {}, done() {} };
const now = (): number =>
  typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now();
/** A reported time if it is one, else now. */
const when = (t?: number): number => (typeof t === 'number' && Number.isFinite(t) ? t : now());
/** An error as text, capped: an app may throw anything, a 100 MB string included. */
const errText = (e: unknown): string => {
  try {
    return (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, MAX_TEXT_CHARS);
  } catch {
    return 'unprintable error';
  }
};

export class Hook {
  readonly session: string;
  #procs = new Map<string, Proc>();
  #nextPid = 1;
  #nextMid = 1;
  // Plain (not #) private: diagnostics and tests read it, and the load test wraps onData.
  private outbox?: Outbox;
  #recording = true;
  #skipped = 0;
  /** Commands for this session that did not decode (e.g. from a newer panel). */
  #rejected = 0;
  /** pid of a process whose state Hindsight is setting: its reports are not new steps. */
  #applying?: string;
  /** pid of a process being replayed: its new messages are marked as replays. */
  #replaying?: string;
  #serializeOpts: Partial<SerializeOptions>;
  #transport?: PageTransport;
  #watchers = new Set<(s: HookStatus) => void>();

  #options: Partial<HookOptions>;

  constructor(options: Partial<HookOptions> = {}) {
    this.#options = options;
    const bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    this.session = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    this.#serializeOpts = options.serialize ?? {};
    this.#transport = options.transport ?? (typeof window !== 'undefined' ? windowTransport() : undefined);
    if (this.#transport) {
      this.#transport.listen((d) => this.onData(d));
      this.#hello();
    }
  }

  /** Sequence number of the newest recorded event (0 before a connection). For diagnostics. */
  get lastSeq(): number {
    return this.outbox?.lastSeq ?? 0;
  }

  /** How many commands for this page were rejected as unknown or malformed. For diagnostics. */
  get rejectedCommands(): number {
    return this.#rejected;
  }

  /** True once the extension is connected. Adapters check it to stay on their fast path. */
  get active(): boolean {
    return this.outbox !== undefined && this.#recording;
  }

  /** Connected to the extension and recording state, now and on every change. */
  get status(): HookStatus {
    return { connected: this.outbox !== undefined, recording: this.#recording };
  }

  /** Call `cb` on every change of `status` (connect, pause, resume); returns the unsubscribe. */
  watch(cb: (s: HookStatus) => void): () => void {
    this.#watchers.add(cb);
    return () => this.#watchers.delete(cb);
  }

  #notify(): void {
    const s = this.status;
    for (const cb of [...this.#watchers]) {
      try {
        cb(s);
      } catch {
        // An adapter's listener must not break the hook.
      }
    }
  }

  process(opts: ProcessOptions): ProcessHandle {
    const pid = `p${this.#nextPid++}`;
    const parent = typeof opts.parent === 'string' ? opts.parent : opts.parent?.pid;
    const p: Proc = { pid, opts, parent, steps: 0 };
    if (opts.immutable) p.cache = createSerializeCache();
    this.#procs.set(pid, p);
    if (this.active) this.#announce(p);
    const status = (status: ProcessStatus, reason?: string) =>
      this.#emit({ type: 'status', t: now(), pid, status, reason: reason?.slice(0, MAX_TEXT_CHARS) });
    return {
      pid,
      queue: (name, payload, kind = 'action', from, at) => this.#queue(p, name, payload, kind, from, at),
      step: (mutation, state, during, at) => this.#step(p, mutation, state, during, at),
      status,
      exit: (reason) => {
        // Cut as any status reason: one too long for the panel's decoder would be lost whole.
        status('exited', reason);
        p.opts = { name: p.opts.name, kind: p.opts.kind };
      },
    };
  }

  /** Tell the panel something about the recording itself (an adapter's ignored frames). */
  notice(text: string, level: 'info' | 'warn' | 'error' = 'warn'): void {
    this.#emit({ type: 'notice', t: now(), level, text: String(text).slice(0, MAX_TEXT_CHARS) });
  }

  // --- connection -----------------------------------------------------------------------

  #post(msg: object): void {
    this.#transport?.post({ source: PAGE_SOURCE, v: PROTOCOL_VERSION, session: this.session, ...msg });
  }

  #hello(): void {
    const url = typeof location !== 'undefined' ? location.href : '';
    this.#post({ kind: 'hello', hook: HOOK_VERSION, url, startedAt: now() });
  }

  private onData(data: unknown): void {
    const env = decodeExtEnvelope(data);
    if (!env) {
      // Our own envelope for this page that did not decode (a newer panel's command, or a
      // broken one): never acted on, but not silently.
      const d = data as { source?: unknown; kind?: unknown; session?: unknown } | null;
      if (d?.source === EXT_SOURCE && d.kind === 'command' && d.session === this.session) {
        this.#rejected++;
        this.#fail(`command not understood (${this.#rejected} rejected)`);
      }
      return;
    }
    if (env.kind === 'connect') {
      if (!this.outbox) this.#connect();
      this.#hello();
    } else if (env.session === this.session) {
      this.#command(env.cmd);
    }
  }

  #connect(): void {
    const h = this.#options.history ?? {};
    this.outbox = new Outbox(
      (first, count, body) => this.#post({ kind: 'batch', first, count, body }),
      () => [...this.#procs.values()].map((p) => this.#describe(p)),
      {
        maxBytes: h.maxBytes ?? 64 * 1024 * 1024,
        batchChars: h.batchChars ?? 1 << 19,
      },
    );
    for (const p of this.#procs.values()) this.#announce(p);
    this.#notify();
  }

  #describe(p: Proc): Omit<ProcessEvent, 'seq' | 't' | 'type'> {
    const caps: Capabilities = { jump: !!p.opts.setState, replay: !!p.opts.replay };
    if (p.opts.toggle) caps.toggle = true;
    if (p.opts.storeOps?.ops.length) caps.ops = [...p.opts.storeOps.ops];
    if (p.opts.preview) caps.preview = true;
    const d: Omit<ProcessEvent, 'seq' | 't' | 'type'> = {
      pid: p.pid,
      name: p.opts.name,
      kind: p.opts.kind ?? 'custom',
      caps,
    };
    if (p.parent) d.parent = p.parent;
    return d;
  }

  #announce(p: Proc): void {
    this.#emit({ type: 'process', t: now(), ...this.#describe(p) });
    if (p.opts.getState) this.#snapshot(p, this.#read(p), true);
  }

  /** False when the outbox had to drop `ev` (too large for any message). */
  #emit(ev: OutEvent): boolean {
    return !this.outbox || !this.#recording || this.outbox.push(ev);
  }

  // --- reports --------------------------------------------------------------------------

  #ser(value: unknown, cache?: SerializeCache, cap?: Capture, last?: Serialized): ReturnType<Capture> {
    try {
      return cap ? cap(value, this.#serializeOpts, last) : serialize(value, this.#serializeOpts, cache);
    } catch (e) {
      // serialize is built not to throw; if it ever does, the app must not notice.
      return { value: { $hs: 'thrown', message: errText(e) }, stats: { size: 0 } };
    }
  }

  #read(p: Proc): unknown {
    try {
      return p.opts.getState?.();
    } catch (e) {
      return { $hs: 'thrown', message: errText(e) };
    }
  }

  #queue(
    p: Proc,
    name: string,
    payload: unknown,
    kind: MessageKind,
    from?: MessageHandle,
    at?: number,
  ): MessageHandle {
    if (!this.active) {
      if (this.outbox) this.#skipped++;
      return NOOP_MSG;
    }
    const mid = this.#nextMid++;
    const q: OutEvent = { type: 'queued', t: when(at), pid: p.pid, mid, name: String(name), kind };
    if (payload !== undefined) q.payload = this.#ser(payload).value;
    if (from?.mid) q.from = from.mid;
    if (this.#replaying === p.pid) q.replay = true;
    this.#emit(q);
    let started = false;
    let finished = false;
    return {
      mid,
      start: (t?: number) => {
        if (started) return;
        started = true;
        this.#emit({ type: 'started', t: when(t), mid });
      },
      done: (error?: unknown, t?: number) => {
        if (finished) return;
        finished = true;
        this.#emit(
          error === undefined
            ? { type: 'done', t: when(t), mid }
            : { type: 'done', t: when(t), mid, error: errText(error) },
        );
      },
    };
  }

  #step(
    p: Proc,
    mutation?: { name: string; payload?: unknown },
    state?: unknown,
    during?: MessageHandle,
    at?: number,
  ): void {
    if (!this.active) {
      if (this.outbox) this.#skipped++;
      return;
    }
    if (this.#applying === p.pid) return;
    this.#snapshot(
      p,
      state === undefined && p.opts.getState ? this.#read(p) : state,
      false,
      mutation,
      during,
      at,
    );
    if (p.past) {
      // A new step on top of a past state is the app's new present (as in Redux DevTools).
      p.past = undefined;
      this.#emit({ type: 'travel', t: now(), pid: p.pid, step: null });
    }
  }

  #snapshot(
    p: Proc,
    state: unknown,
    full: boolean,
    mutation?: { name: string; payload?: unknown },
    during?: MessageHandle,
    at?: number,
  ): void {
    // After a step too large to send, the chain restarts from a full state.
    full ||= !!p.broke;
    const { value, stats, delta } = this.#ser(state, p.cache, p.opts.capture, full ? undefined : p.last);
    if (p.opts.keySizes) {
      try {
        const extra = p.opts.keySizes();
        if (extra) stats.keys = { ...stats.keys, ...extra };
      } catch {
        // A faulty size report only loses the extra flags.
      }
    }
    const step = p.last === undefined ? 0 : p.steps + 1;
    const ev: OutEvent = { type: 'step', t: at ?? now(), pid: p.pid, step, stats };
    if (during?.mid) ev.mid = during.mid;
    if (mutation) {
      ev.mutation = { name: String(mutation.name) };
      if (mutation.payload !== undefined) ev.mutation.payload = this.#ser(mutation.payload).value;
    }
    if (full || p.last === undefined) ev.full = value;
    else ev.delta = delta ?? diff(p.last, value) ?? {};
    p.last = value;
    p.steps = step;
    p.broke = !this.#emit(ev);
  }

  // --- commands from the panel ---------------------------------------------------------

  #command(cmd: Command): void {
    const box = this.outbox;
    if (!box) return;
    switch (cmd.type) {
      case 'sync':
        box.sync(cmd.since);
        return;
      case 'ack':
        box.ack(cmd.seq);
        return;
      case 'pause':
        if (this.#recording) this.#emit({ type: 'recording', t: now(), on: false });
        this.#recording = false;
        this.#skipped = 0;
        this.#notify();
        return;
      case 'resume':
        this.#resume();
        return;
      case 'jump':
        this.#jump(cmd.pid, cmd.step, cmd.state);
        return;
      case 'present':
        this.#present(cmd.pid);
        return;
      case 'replay':
        void this.#replay(cmd);
        return;
      case 'toggle': {
        const p = this.#procs.get(cmd.pid);
        if (!p?.opts.toggle) {
          this.#fail(`process ${cmd.pid} cannot skip messages`);
          return;
        }
        try {
          p.opts.toggle(cmd.mid);
        } catch (e) {
          this.#fail(`skip failed: ${errText(e)}`);
        }
        return;
      }
      case 'store-op':
        this.#storeOp(cmd.pid, cmd.op);
        return;
      case 'replay-stop': {
        const run = this.#procs.get(cmd.pid)?.replayRun;
        if (run) run.stopped = true;
        return;
      }
    }
  }

  #storeOp(pid: string, op: StoreOp): void {
    const p = this.#procs.get(pid);
    const ops = p?.opts.storeOps;
    if (!p || !ops?.ops.includes(op)) {
      this.#fail(`process ${pid} cannot ${op}`);
      return;
    }
    try {
      ops.run(op);
    } catch (e) {
      this.#fail(`${op} failed: ${errText(e)}`);
      return;
    }
    const mutation = { name: STORE_OP_MUTATION[op] };
    if (op !== 'lock' && op !== 'unlock') {
      this.#step(p, mutation);
      return;
    }
    // Locking changes no state. Record it on the live state, and if the app shows a past
    // step, leave it there: the answer step must not make that past state the present.
    if (!this.active) return;
    this.#snapshot(p, p.past ? p.past.live : this.#read(p), false, mutation);
    if (p.past) p.past.stepsAtJump = p.steps;
  }

  #resume(): void {
    if (this.#recording) return;
    this.#recording = true;
    this.#notify();
    this.#emit({ type: 'recording', t: now(), on: true });
    if (this.#skipped) {
      this.#emit({
        type: 'notice',
        t: now(),
        level: 'info',
        text: `${this.#skipped} reports not recorded while paused`,
      });
    }
    // Deltas were not sent while paused: restart each chain from a full snapshot.
    for (const p of this.#procs.values()) if (p.opts.getState) this.#snapshot(p, this.#read(p), true);
  }

  /** Set a process's state through its adapter without recording it as a new step. */
  #apply(p: Proc, state: unknown, info: SetStateInfo): string | undefined {
    this.#applying = p.pid;
    try {
      p.opts.setState?.(state, info);
    } catch (e) {
      return errText(e);
    } finally {
      this.#applying = undefined;
    }
  }

  #jump(pid: string, step: number, state: Serialized): undefined {
    const p = this.#procs.get(pid);
    if (!p?.opts.setState) return this.#fail(`process ${pid} cannot jump`);
    if (!p.past) p.past = { live: p.opts.getState?.(), stepsAtJump: p.steps };
    const err = this.#apply(p, revive(state), { reason: 'jump', step });
    if (err) return this.#fail(`jump failed: ${err}`);
    this.#emit({ type: 'travel', t: now(), pid, step });
    return undefined;
  }

  #present(pid: string): void {
    const p = this.#procs.get(pid);
    if (!p) return;
    // Return to the exact live object when nothing new happened since the jump; otherwise
    // the newest recorded state is already the app's present.
    if (p.past && p.steps === p.past.stepsAtJump) {
      const err = this.#apply(p, p.past.live, { reason: 'present', step: null });
      if (err) this.#fail(`return to present failed: ${err}`);
    }
    p.past = undefined;
    this.#emit({ type: 'travel', t: now(), pid, step: null });
  }

  async #replay(cmd: Extract<Command, { type: 'replay' }>): Promise<void> {
    const p = this.#procs.get(cmd.pid);
    if (!p?.opts.replay) return this.#fail(`process ${cmd.pid} cannot replay`);
    if (p.replayRun) p.replayRun.stopped = true;
    const run = { stopped: false };
    p.replayRun = run;
    const total = cmd.messages.length;
    const progress = (state: 'running' | 'done' | 'failed' | 'stopped', index: number, error?: string) => {
      this.#emit({ type: 'replay', t: now(), pid: p.pid, state, index, total, ...(error ? { error } : {}) });
    };
    p.past = undefined;
    this.#emit({ type: 'travel', t: now(), pid: p.pid, step: null });
    // The replayed run starts from the recorded state before its first message; that
    // reset is a new step, so the panel's chain stays exact. A process whose state lives
    // elsewhere (a LiveView's server) cannot be reset: its messages replay onto the present.
    if (p.opts.setState) {
      const err = this.#apply(p, revive(cmd.state), { reason: 'replay', step: null });
      if (err) return progress('failed', 0, err);
      this.#step(p, { name: '@@hindsight/replay-start' });
    }
    for (let i = 0; i < total; i++) {
      if (run.stopped) return progress('stopped', i);
      progress('running', i);
      const m = cmd.messages[i];
      this.#replaying = p.pid;
      try {
        await p.opts.replay({
          name: m.name,
          kind: m.kind,
          payload: revive(m.payload ?? { $hs: 'undefined' }),
        });
      } catch (e) {
        return progress('failed', i, errText(e));
      } finally {
        this.#replaying = undefined;
      }
      if (cmd.intervalMs > 0 && i < total - 1) await new Promise((r) => setTimeout(r, cmd.intervalMs));
    }
    if (p.replayRun === run) p.replayRun = undefined;
    progress('done', total);
  }

  /** Report a command that could not be carried out; returns nothing, for `return this.#fail(…)`. */
  #fail(text: string): undefined {
    this.#emit({ type: 'notice', t: now(), level: 'error', text });
    return undefined;
  }
}

const KEY = '__HINDSIGHT_HOOK__';

/** The page's one hook (shared by every copy of this library on the page). */
export function getHindsight(options?: Partial<HookOptions>): Hook {
  const g = globalThis as unknown as Record<string, Hook | undefined>;
  let h = g[KEY];
  if (!h) {
    h = new Hook(options);
    Object.defineProperty(globalThis, KEY, { value: h, configurable: true });
  }
  return h;
}
