/**
 * A `window.__REDUX_DEVTOOLS_EXTENSION__`-compatible API built on the hook, so apps written
 * for Redux DevTools (Redux Toolkit, Redux with the compose helper, Zustand's `devtools`
 * middleware, NgRx, …) show up in Hindsight unchanged.
 *
 * - The store-enhancer form (`__REDUX_DEVTOOLS_EXTENSION__(options)`, and
 *   `__REDUX_DEVTOOLS_EXTENSION_COMPOSE__`) wraps the store: each store is a process, each
 *   action a message, the reducer's result a step. The state is set directly through a
 *   lifted reducer (jump), recorded actions are re-dispatched (replay), and an action can be
 *   skipped with the later states recomputed from the reducer (toggle).
 * - `connect(options)` returns `{ init, send, subscribe, unsubscribe, error }`: each instance is
 *   a process; time travel reaches the app as the messages Redux DevTools documents
 *   (`DISPATCH` / `JUMP_TO_STATE` with the state as a JSON string, `TOGGLE_ACTION`,
 *   `COMMIT`, `RESET`, `ROLLBACK`, `LOCK_CHANGES`, `IMPORT_STATE`, `PAUSE_RECORDING`,
 *   `START`, `ACTION`). Jumps send JUMP_TO_STATE only, never also JUMP_TO_ACTION: one jump
 *   must be one message (an app handling both would move twice), and its JSON state is what
 *   apps that keep no history of their own (Zustand, most hand-written clients) apply.
 * - Both forms offer the store ops (commit / reset / rollback / lock) of Redux DevTools.
 *
 * Nothing here ever evaluates page strings; `serialize` options only pass a `replacer` to
 * `JSON.stringify`.
 */
import type { Adapter } from '../adapter';
import { immutableCapture } from '../capture';
import { getHindsight, type Hook, type ProcessHandle, type SetStateInfo } from '../hook';
import { SKIP_MUTATION, type StoreOp, UNSKIP_MUTATION } from '../protocol';

type Action = { type: string; [k: string]: unknown };
type Reducer = (state: unknown, action: Action) => unknown;
interface Store {
  getState(): unknown;
  dispatch(action: unknown): unknown;
  subscribe(l: () => void): () => void;
  replaceReducer(r: Reducer): void;
  [k: string]: unknown;
}
type StoreCreator = (reducer: Reducer, preloaded?: unknown, enhancer?: unknown) => Store;
type Enhancer = (next: StoreCreator) => StoreCreator;

/** The Redux DevTools `features` flags (https://github.com/reduxjs/redux-devtools, API/Arguments.md). */
export interface DevtoolsFeatures {
  pause?: boolean;
  lock?: boolean;
  persist?: boolean;
  export?: boolean | 'custom';
  import?: boolean | 'custom';
  jump?: boolean;
  skip?: boolean;
  reorder?: boolean;
  dispatch?: boolean;
  test?: boolean;
}

/** The options Redux DevTools' `connect(options)` and enhancer take; unknown ones are ignored. */
export interface DevtoolsOptions {
  name?: string;
  instanceId?: string | number;
  /** Hindsight keeps more history than this (see docs/libraries.md); the enhancer keeps at least this many actions to recompute on skip. */
  maxAge?: number;
  actionsDenylist?: string | string[];
  actionsAllowlist?: string | string[];
  /** Legacy names of the two above. */
  actionsBlacklist?: string | string[];
  actionsWhitelist?: string | string[];
  predicate?: (state: unknown, action: Action) => boolean;
  actionSanitizer?: (action: Action, id: number) => unknown;
  stateSanitizer?: (state: unknown, index: number) => unknown;
  /** Only `replacer` is used (for the JSON strings sent to `connect` clients). Never evaluated. */
  serialize?: boolean | { replacer?: (key: string, value: unknown) => unknown; [k: string]: unknown };
  trace?: boolean | ((action: Action) => string);
  traceLimit?: number;
  features?: DevtoolsFeatures;
  [k: string]: unknown;
}

/** What `subscribe` listeners receive: the shapes Redux DevTools sends. */
export type DevtoolsMessage =
  | { type: 'START' | 'STOP'; id: string | undefined; source: typeof SOURCE; state: undefined }
  | { type: 'ACTION'; payload: string; id: string; source: typeof SOURCE; state?: undefined }
  | {
      type: 'DISPATCH';
      payload: DispatchPayload;
      id: string;
      source: typeof SOURCE;
      state?: string;
    };

export type DispatchPayload =
  | { type: 'JUMP_TO_STATE'; index: number; actionId: number }
  | { type: 'JUMP_TO_ACTION'; actionId: number }
  | { type: 'TOGGLE_ACTION'; id: number }
  | { type: 'IMPORT_STATE'; nextLiftedState: LiftedState; preloadedState?: unknown }
  | { type: 'COMMIT'; timestamp: number }
  | { type: 'RESET'; timestamp: number }
  | { type: 'ROLLBACK'; timestamp: number }
  | { type: 'PAUSE_RECORDING'; status: boolean }
  | { type: 'LOCK_CHANGES'; status: boolean };

/** Redux DevTools' lifted state (the part apps read from IMPORT_STATE). */
export interface LiftedState {
  actionsById: Record<number, { type: 'PERFORM_ACTION'; action: Action; timestamp: number; stack?: string }>;
  computedStates: { state: unknown; error?: string }[];
  currentStateIndex: number;
  nextActionId: number;
  skippedActionIds: number[];
  stagedActionIds: number[];
  committedState?: unknown;
  isLocked?: boolean;
  isPaused?: boolean;
}

export interface DevtoolsConnection {
  init(state: unknown, liftedData?: unknown): void;
  send(action: Action | string | null, state: unknown): void;
  subscribe(listener: (message: DevtoolsMessage) => void): () => void;
  unsubscribe(): void;
  error(message: unknown): void;
}

/** The `window.__REDUX_DEVTOOLS_EXTENSION__` value: callable (enhancer form) with methods. */
export interface ReduxDevtoolsExtension {
  (options?: DevtoolsOptions): Enhancer;
  connect(options?: DevtoolsOptions): DevtoolsConnection;
  send(action: Action | string | null, state: unknown, options?: DevtoolsOptions, instanceId?: string): void;
  disconnect(): void;
  open(): void;
  notifyErrors(): void;
  listen(onMessage: (message: DevtoolsMessage) => void, instanceId?: string): void;
}

export type ReduxDevtoolsCompose = (...funcs: unknown[]) => unknown;

export const SOURCE = '@devtools-extension';
const SET_STATE = '@@hindsight/SET_STATE';
const LOCKED = 'not applied: changes are locked from the Hindsight panel';
/** The enhancer keeps at least this many actions page-side to recompute states on skip. */
export const MIN_SKIP_LOG = 1000;

// --- message builders: exactly the shapes Redux DevTools documents ---------------------------

export const devtoolsMessages = {
  start: (id?: string): DevtoolsMessage => ({ type: 'START', id, source: SOURCE, state: undefined }),
  stop: (id?: string): DevtoolsMessage => ({ type: 'STOP', id, source: SOURCE, state: undefined }),
  action: (id: string, action: unknown): DevtoolsMessage => ({
    type: 'ACTION',
    payload: JSON.stringify(action),
    id,
    source: SOURCE,
  }),
  dispatch: (id: string, payload: DispatchPayload, state?: string): DevtoolsMessage =>
    state === undefined
      ? { type: 'DISPATCH', payload, id, source: SOURCE }
      : { type: 'DISPATCH', payload, id, source: SOURCE, state },
};

/** A one-state lifted history, as Redux DevTools builds for an import. */
export function liftedStateOf(state: unknown, now = Date.now()): LiftedState {
  return {
    actionsById: { 0: { type: 'PERFORM_ACTION', action: { type: '@@INIT' }, timestamp: now } },
    computedStates: [{ state }],
    currentStateIndex: 0,
    nextActionId: 1,
    skippedActionIds: [],
    stagedActionIds: [0],
    committedState: state,
    isLocked: false,
    isPaused: false,
  };
}

// --- options ----------------------------------------------------------------------------------

const listPattern = (l: string | string[] | undefined): RegExp | undefined => {
  if (l === undefined || (Array.isArray(l) && l.length === 0) || l === '') return undefined;
  try {
    return new RegExp(Array.isArray(l) ? l.join('|') : l);
  } catch {
    return undefined;
  }
};

interface Resolved {
  opts: DevtoolsOptions;
  allow?: RegExp;
  deny?: RegExp;
  features: DevtoolsFeatures;
}

function resolve(opts: DevtoolsOptions = {}): Resolved {
  return {
    opts,
    allow: listPattern(opts.actionsAllowlist ?? opts.actionsWhitelist),
    deny: listPattern(opts.actionsDenylist ?? opts.actionsBlacklist),
    features: opts.features ?? {},
  };
}

/** As Redux DevTools: denylisted, not allowlisted, or rejected by `predicate` → not recorded. */
function filtered(r: Resolved, action: Action, state: unknown): boolean {
  const type = String(action.type);
  if (r.allow && !r.allow.test(type)) return true;
  if (r.deny?.test(type)) return true;
  if (r.opts.predicate) {
    try {
      return !r.opts.predicate(state, action);
    } catch {
      return false;
    }
  }
  return false;
}

function sanitizeAction(r: Resolved, action: Action, id: number): unknown {
  if (!r.opts.actionSanitizer) return action;
  try {
    return r.opts.actionSanitizer(action, id);
  } catch {
    return action;
  }
}

function sanitizeState(r: Resolved, state: unknown, index: number): unknown {
  if (!r.opts.stateSanitizer) return state;
  try {
    return r.opts.stateSanitizer(state, index);
  } catch {
    return state;
  }
}

/** The call stack of a dispatch, as Redux DevTools' `trace` option records it. */
function traceOf(r: Resolved, action: Action): string | undefined {
  const t = r.opts.trace;
  if (!t) return undefined;
  if (typeof t === 'function') {
    try {
      return String(t(action));
    } catch {
      return undefined;
    }
  }
  const lines = (new Error().stack ?? '').split('\n');
  // Drop the "Error" line and our own frames (traceOf and the dispatch / send wrapper).
  const start = lines[0]?.startsWith('Error') ? 1 : 0;
  return lines.slice(start + 2, start + 2 + (r.opts.traceLimit ?? 10)).join('\n');
}

/** Message payload: the (sanitized) action, plus `stack` when tracing. */
function payloadOf(action: unknown, stack: string | undefined): unknown {
  if (stack === undefined) return action;
  return action !== null && typeof action === 'object' ? { ...action, stack } : { action, stack };
}

const stripStack = (r: Resolved, payload: unknown): unknown => {
  if (!r.opts.trace || payload === null || typeof payload !== 'object') return payload;
  const { stack: _drop, ...rest } = payload as Record<string, unknown>;
  return rest;
};

/**
 * The JSON text `connect` clients get. Values the panel holds only as placeholders
 * (functions, symbols, redacted or truncated parts: `{ $hs: … }` after revive) are left out,
 * as `JSON.stringify` leaves out functions, so the app merges plain data and keeps its own.
 */
function toJson(r: Resolved, value: unknown): string {
  const ser = r.opts.serialize;
  const user = typeof ser === 'object' && typeof ser.replacer === 'function' ? ser.replacer : undefined;
  const replacer = function (this: unknown, key: string, v: unknown): unknown {
    if (v !== null && typeof v === 'object' && typeof (v as { $hs?: unknown }).$hs === 'string')
      return undefined;
    return user ? user.call(this, key, v) : v;
  };
  return JSON.stringify(value, replacer) ?? 'null';
}

const asAction = (a: Action | string): Action => (typeof a === 'string' ? { type: a } : a);

/** The store ops a process offers: commit / reset / rollback always, lock unless turned off. */
const opsFor = (f: DevtoolsFeatures): StoreOp[] =>
  f.lock === false ? ['commit', 'reset', 'rollback'] : ['commit', 'reset', 'rollback', 'lock', 'unlock'];

/** How many action ids (per connect instance) are kept to translate a skip into TOGGLE_ACTION. */
const idLimit = (r: Resolved) => Math.max(r.opts.maxAge ?? 50, MIN_SKIP_LOG);

const isLifted = (x: unknown): x is LiftedState =>
  typeof x === 'object' && x !== null && Array.isArray((x as LiftedState).computedStates);

// --- connect() instances -----------------------------------------------------------------------

class Connection implements DevtoolsConnection {
  readonly id: string;
  private listeners = new Set<(m: DevtoolsMessage) => void>();
  private proc?: ProcessHandle;
  private state: unknown;
  /** Ids of sent actions as Redux DevTools numbers them: 1, 2, … since the last init. */
  private actions = 0;
  /** mid of each recorded action → its id (oldest dropped past idLimit). */
  private ids = new Map<number, number>();
  private skippedIds = new Set<number>();
  /** The state ROLLBACK returns to: the last init's or commit's (as Redux DevTools' lifted state). */
  private committed?: { state: unknown };
  /** Set while a panel op is delivered: the app's answering init() is that op's step, not a new one. */
  private quiet = false;
  private started = false;
  private pausedSent = false;

  constructor(
    private readonly ext: Devtools,
    private readonly r: Resolved,
    id: string,
  ) {
    this.id = id;
  }

  private get hook(): Hook {
    return this.ext.hook;
  }

  private process(): ProcessHandle {
    if (this.proc) return this.proc;
    const { features } = this.r;
    const canReplay =
      features.dispatch === true || (this.r.opts.actionCreators !== undefined && features.dispatch !== false);
    this.proc = this.hook.process({
      name: this.r.opts.name ?? `connect #${this.id}`,
      kind: 'store',
      // States sent by the app are usually immutable; references are trusted where frozen.
      capture: immutableCapture(true),
      getState: () => sanitizeState(this.r, this.state, this.actions),
      setState: features.jump === false ? undefined : (s, info) => this.travel(s, info),
      replay: canReplay
        ? (m) => this.deliver(devtoolsMessages.action(this.id, stripStack(this.r, m.payload)))
        : undefined,
      toggle: features.skip === false ? undefined : (mid) => this.toggle(mid),
      storeOps: { ops: opsFor(features), run: (op) => this.storeOp(op) },
    });
    return this.proc;
  }

  /**
   * Skip as Redux DevTools does for connect() apps: DISPATCH TOGGLE_ACTION with the action's
   * id. Apps that keep a lifted history (NgRx) recompute; others (Zustand) ignore it. The
   * `state` is a lifted state as Redux DevTools sends there, carrying the present state and
   * the skipped ids (we keep no per-action states page-side). The answer step marks the skip.
   */
  private toggle(mid: number): void {
    const id = this.ids.get(mid);
    if (id === undefined)
      throw new Error(
        "that action has no id in the app's history (before its last init or import, or too old)",
      );
    const skip = !this.skippedIds.has(id);
    if (skip) this.skippedIds.add(id);
    else this.skippedIds.delete(id);
    const lifted = {
      ...liftedStateOf(this.state),
      committedState: this.committed?.state,
      nextActionId: this.actions + 1,
      skippedActionIds: [...this.skippedIds],
    };
    this.quietly(devtoolsMessages.dispatch(this.id, { type: 'TOGGLE_ACTION', id }, toJson(this.r, lifted)));
    this.proc?.step(
      { name: skip ? SKIP_MUTATION : UNSKIP_MUTATION, payload: { mid, id } },
      sanitizeState(this.r, this.state, this.actions),
    );
  }

  /** A store op as the DISPATCH Redux DevTools sends; the hook records the answer step. */
  private storeOp(op: StoreOp): void {
    const timestamp = Date.now();
    if (op === 'lock' || op === 'unlock') {
      this.quietly(devtoolsMessages.dispatch(this.id, { type: 'LOCK_CHANGES', status: op === 'lock' }));
    } else if (op === 'rollback') {
      // Redux DevTools sends the committed state (its computedStates[0]) as JSON.
      if (!this.committed) throw new Error('nothing to roll back to: the app never called init()');
      const json = toJson(this.r, this.committed.state);
      this.quietly(devtoolsMessages.dispatch(this.id, { type: 'ROLLBACK', timestamp }, json));
    } else {
      const type = op === 'commit' ? 'COMMIT' : 'RESET';
      this.quietly(devtoolsMessages.dispatch(this.id, { type, timestamp }));
      // As the monitor's own history: a commit makes the present the baseline even when the
      // app does not answer with init().
      if (op === 'commit') this.committed = { state: this.state };
    }
  }

  private quietly(m: DevtoolsMessage): void {
    this.quiet = true;
    try {
      this.deliver(m);
    } finally {
      this.quiet = false;
    }
  }

  /** A jump, a return to the present, or a replay's start state, as Redux DevTools sends them. */
  private travel(state: unknown, info: SetStateInfo): void {
    const json = toJson(this.r, state);
    if (info.reason === 'replay') {
      // A replay starts a new history at this state: Redux DevTools' import.
      this.state = state;
      this.deliver(
        devtoolsMessages.dispatch(this.id, { type: 'IMPORT_STATE', nextLiftedState: liftedStateOf(state) }),
      );
      return;
    }
    const index = info.step ?? this.actions;
    this.deliver(devtoolsMessages.dispatch(this.id, { type: 'JUMP_TO_STATE', index, actionId: index }, json));
  }

  /** Synchronously, so whatever the app reports while handling it is not a new step. */
  deliver(m: DevtoolsMessage): void {
    for (const l of [...this.listeners]) {
      try {
        l(m);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  /** Mirror the hook's connection and pause state to the app (START, PAUSE_RECORDING). */
  status(s: { connected: boolean; recording: boolean }): void {
    if (this.listeners.size === 0 || !s.connected) return;
    if (!this.started) {
      this.started = true;
      this.deliver(devtoolsMessages.start(this.id));
    }
    if (this.r.features.pause === false) return;
    const paused = !s.recording;
    if (paused !== this.pausedSent) {
      this.pausedSent = paused;
      this.deliver(devtoolsMessages.dispatch(this.id, { type: 'PAUSE_RECORDING', status: paused }));
    }
  }

  init(state: unknown, _liftedData?: unknown): void {
    this.state = isLifted(state) ? lastComputed(state) : state;
    // A new history, as in Redux DevTools: ids restart and this state is the committed one.
    this.actions = 0;
    this.ids.clear();
    this.skippedIds.clear();
    this.committed = { state: this.state };
    if (!this.proc) this.process();
    else if (!this.quiet) this.proc.step({ name: '@@INIT' }, sanitizeState(this.r, this.state, this.actions));
  }

  send(action: Action | string | null, state: unknown): void {
    if (action === null || action === undefined) {
      // send(null, liftedState): the app's whole history changed (an import, NgRx's lifted updates).
      if (isLifted(state)) {
        this.state = lastComputed(state);
        // Ids continue from the app's lifted history (NgRx answers every skip with one, and
        // keeps its ids); ids at or past its next one were rewritten (an import) and are dropped.
        const next = state.nextActionId;
        if (typeof next === 'number') {
          this.actions = Math.max(0, next - 1);
          for (const [mid, id] of this.ids) if (id >= next) this.ids.delete(mid);
        }
        this.skippedIds = new Set(Array.isArray(state.skippedActionIds) ? state.skippedActionIds : []);
        const proc = this.process();
        if (!this.quiet)
          proc.step({ name: '@@LIFTED_STATE' }, sanitizeState(this.r, this.state, this.actions));
      }
      return;
    }
    const a = asAction(action);
    const proc = this.process();
    this.state = state;
    if (filtered(this.r, a, state)) return;
    // Counted even while nothing records: the ids must match the app's own (NgRx numbers
    // every action it sends), so TOGGLE_ACTION names the right one later.
    const id = ++this.actions;
    if (!this.hook.active) return;
    const stack = traceOf(this.r, a);
    const msg = proc.queue(String(a.type), payloadOf(sanitizeAction(this.r, a, id), stack), 'action');
    this.ids.set(msg.mid, id);
    if (this.ids.size > idLimit(this.r)) this.ids.delete(this.ids.keys().next().value as number);
    msg.start();
    proc.step({ name: String(a.type) }, sanitizeState(this.r, state, id), msg);
    msg.done();
  }

  subscribe(listener: (message: DevtoolsMessage) => void): () => void {
    this.listeners.add(listener);
    this.ext.watching();
    if (this.hook.status.connected) queueMicrotask(() => this.status(this.hook.status));
    return () => {
      this.listeners.delete(listener);
    };
  }

  unsubscribe(): void {
    this.listeners.clear();
  }

  error(message: unknown): void {
    const proc = this.process();
    const msg = proc.queue('@@ERROR', message, 'custom');
    msg.start();
    msg.done(typeof message === 'string' ? message : String(message));
  }

  disconnect(): void {
    this.listeners.clear();
    this.proc?.exit('disconnected');
  }
}

const lastComputed = (l: LiftedState): unknown => {
  const i = typeof l.currentStateIndex === 'number' ? l.currentStateIndex : l.computedStates.length - 1;
  return (l.computedStates[i] ?? l.computedStates[l.computedStates.length - 1])?.state;
};

// --- the enhancer form ------------------------------------------------------------------------

interface LogEntry {
  mid: number;
  action: Action;
  skipped: boolean;
  /** The state after this action, on every CHECKPOINT-th entry of the log. */
  state?: unknown;
}

/** How often the page-side log keeps the state after an action, and how many go at once. */
const CHECKPOINT = 100;

function enhance(ext: Devtools, r: Resolved): Enhancer {
  return (next) => (reducer, preloaded, enh) => {
    const hook = ext.hook;
    let inner = reducer;
    const lift: Reducer = (s, a) =>
      a && a.type === SET_STATE ? (a as { state?: unknown }).state : inner(s, a);
    const store = enh === undefined ? next(lift, preloaded) : next(lift, preloaded, enh);
    const { features } = r;
    // The page-side log that skip recomputes from: the state before the oldest kept action,
    // then the actions since. Reset whenever an action goes unrecorded or the app moves on
    // from a past state, so the recomputation always starts from a state the app really had.
    // Every CHECKPOINT-th entry keeps the state after it: past the limit the oldest
    // CHECKPOINT actions go at once and that state becomes the base, so the app's reducer
    // runs again only for a skip, never to move the base on (each kept state shares
    // structure with the next: a few references, not copies).
    const limit = Math.max(r.opts.maxAge ?? 50, MIN_SKIP_LOG);
    let base: unknown;
    let log: LogEntry[] = [];
    let atPast = false;
    let actions = 0;
    const restartLog = () => {
      base = store.getState();
      log = [];
    };
    restartLog();
    const set = (state: unknown) => store.dispatch({ type: SET_STATE, state });
    // Store ops, as Redux DevTools' lifted store: RESET returns to the state the store was
    // created with, ROLLBACK to the last committed one; both, and COMMIT, start a new history
    // (actions before it can no longer be skipped). While locked, the app's actions are dropped.
    const initial = store.getState();
    let committed = initial;
    let locked = false;
    const runOp = (op: StoreOp) => {
      if (op === 'lock' || op === 'unlock') {
        locked = op === 'lock';
        return;
      }
      if (op === 'commit') committed = store.getState();
      else {
        if (op === 'reset') committed = initial;
        set(committed);
      }
      atPast = false;
      restartLog();
    };
    const proc = hook.process({
      name: r.opts.name ?? 'redux store',
      kind: 'store',
      capture: immutableCapture(),
      getState: () => sanitizeState(r, store.getState(), actions),
      setState:
        features.jump === false
          ? undefined
          : (state, info) => {
              set(state);
              atPast = info.reason === 'jump';
              if (info.reason === 'replay') restartLog();
            },
      replay: features.dispatch === false ? undefined : (m) => dispatch(stripStack(r, m.payload) as Action),
      toggle:
        features.skip === false
          ? undefined
          : (mid) => {
              const entry = log.find((e) => e.mid === mid);
              if (!entry) {
                throw new Error(
                  'that action is not in the page log any more (older actions, or history rewritten by a jump)',
                );
              }
              entry.skipped = !entry.skipped;
              let s = base;
              log.forEach((e, i) => {
                if (!e.skipped) s = inner(s, e.action);
                if ((i + 1) % CHECKPOINT === 0) e.state = s;
              });
              set(s);
              atPast = false;
              proc.step(
                {
                  name: entry.skipped ? SKIP_MUTATION : UNSKIP_MUTATION,
                  payload: { mid, type: entry.action.type },
                },
                sanitizeState(r, s, actions),
              );
            },
      storeOps: { ops: opsFor(features), run: runOp },
    });
    const remember = (mid: number, action: Action) => {
      const e: LogEntry = { mid, action, skipped: false };
      if ((log.length + 1) % CHECKPOINT === 0) e.state = store.getState();
      log.push(e);
      if (log.length >= limit + CHECKPOINT) {
        base = log[CHECKPOINT - 1].state;
        log = log.slice(CHECKPOINT);
      }
    };
    const dispatch = (action: Action): unknown => {
      if (!action || typeof action !== 'object' || typeof action.type !== 'string')
        return store.dispatch(action);
      if (locked) {
        // Dropped, as under Redux DevTools' lock; recorded as failed so the drop is visible.
        if (hook.active) {
          const msg = proc.queue(action.type, sanitizeAction(r, action, actions), 'action');
          msg.start();
          msg.done(LOCKED);
        }
        return action;
      }
      if (!hook.active) {
        const res = store.dispatch(action);
        restartLog();
        return res;
      }
      if (atPast) {
        // A new action on top of a past state: the app's history continues from here.
        atPast = false;
        restartLog();
      }
      const before = store.getState();
      if (filtered(r, action, before)) {
        const res = store.dispatch(action);
        remember(0, action);
        return res;
      }
      const id = ++actions;
      const msg = proc.queue(
        action.type,
        payloadOf(sanitizeAction(r, action, id), traceOf(r, action)),
        'action',
      );
      msg.start();
      try {
        const res = store.dispatch(action);
        remember(msg.mid, action);
        const after = store.getState();
        if (after !== before) proc.step({ name: action.type }, sanitizeState(r, after, id), msg);
        msg.done();
        return res;
      } catch (e) {
        msg.done(e);
        throw e;
      }
    };
    return {
      ...store,
      dispatch,
      replaceReducer: (nextReducer: Reducer) => {
        inner = nextReducer;
        store.replaceReducer(lift);
      },
    };
  };
}

// --- the extension object -----------------------------------------------------------------

class Devtools {
  private connections = new Map<string, Connection>();
  private nextId = 1;
  private unwatch?: () => void;
  private watched?: Hook;
  private defaultConnection?: Connection;

  constructor(private readonly getHook: () => Hook) {}

  /** Looked up on use: an app that never touches the global never creates a hook. */
  get hook(): Hook {
    return this.getHook();
  }

  /** Follow the hook's status (connect, pause, resume) once an instance has listeners. */
  watching(): void {
    const h = this.hook;
    if (this.watched === h) return;
    this.unwatch?.();
    this.watched = h;
    this.unwatch = h.watch((s) => {
      for (const c of this.connections.values()) c.status(s);
    });
  }

  connect(options?: DevtoolsOptions): Connection {
    const r = resolve(options);
    const id = options?.instanceId !== undefined ? String(options.instanceId) : String(this.nextId++);
    const c = new Connection(this, r, id);
    this.connections.set(id, c);
    return c;
  }

  send(action: Action | string | null, state: unknown, options?: DevtoolsOptions, instanceId?: string): void {
    const existing = instanceId !== undefined ? this.connections.get(String(instanceId)) : undefined;
    const c = existing ?? this.defaultConnection ?? this.connect({ name: 'send', ...options });
    if (!existing) this.defaultConnection = c;
    c.send(action, state);
  }

  listen(onMessage: (message: DevtoolsMessage) => void, instanceId?: string): void {
    const c = instanceId !== undefined ? this.connections.get(String(instanceId)) : this.defaultConnection;
    (c ?? this.connect({ name: 'listen' })).subscribe(onMessage);
  }

  disconnect(): void {
    for (const c of this.connections.values()) c.disconnect();
    this.connections.clear();
  }

  enhancer(options?: DevtoolsOptions): Enhancer {
    return enhance(this, resolve(options));
  }
}

/** Build the `__REDUX_DEVTOOLS_EXTENSION__` value and its compose helper on a hook. */
export function createReduxDevtools(getHook: () => Hook = () => getHindsight()): {
  extension: ReduxDevtoolsExtension;
  compose: ReduxDevtoolsCompose;
} {
  const d = new Devtools(getHook);
  const extension = Object.assign((options?: DevtoolsOptions) => d.enhancer(options), {
    connect: (options?: DevtoolsOptions) => d.connect(options),
    send: (action: Action | string | null, state: unknown, options?: DevtoolsOptions, instanceId?: string) =>
      d.send(action, state, options, instanceId),
    listen: (onMessage: (message: DevtoolsMessage) => void, instanceId?: string) =>
      d.listen(onMessage, instanceId),
    disconnect: () => d.disconnect(),
    open: () => {},
    notifyErrors: () => {},
  }) as ReduxDevtoolsExtension;
  const composeWith =
    (options: DevtoolsOptions) =>
    (...funcs: unknown[]): Enhancer =>
    (createStore) =>
      (funcs as Enhancer[]).reduceRight((composed, f) => f(composed), d.enhancer(options)(createStore));
  // As Redux DevTools: compose() → the enhancer; compose(options) → a compose function;
  // compose(...enhancers) → the enhancers with ours innermost.
  const compose: ReduxDevtoolsCompose = (...funcs) => {
    if (funcs.length === 0) return d.enhancer({});
    if (funcs.length === 1 && typeof funcs[0] === 'object' && funcs[0] !== null)
      return composeWith(funcs[0] as DevtoolsOptions);
    return composeWith({})(...funcs);
  };
  return { extension, compose };
}

/**
 * Install the two globals on `target` (the page's window) unless something already defines
 * them (Redux DevTools itself: Hindsight steps aside). Returns whether it installed them.
 */
export function installReduxDevtools(
  target: Record<string, unknown> = globalThis as unknown as Record<string, unknown>,
  getHook: () => Hook = () => getHindsight(),
): boolean {
  if (
    target.__REDUX_DEVTOOLS_EXTENSION__ !== undefined ||
    target.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__ !== undefined
  )
    return false;
  const { extension, compose } = createReduxDevtools(getHook);
  for (const [key, value] of [
    ['__REDUX_DEVTOOLS_EXTENSION__', extension],
    ['__REDUX_DEVTOOLS_EXTENSION_COMPOSE__', compose],
  ] as const) {
    Object.defineProperty(target, key, { value, configurable: true, writable: true, enumerable: false });
  }
  return true;
}

export const reduxDevtoolsAdapter: Adapter<Record<string, unknown>, boolean> = {
  name: 'redux-devtools',
  attach: (target, hook) => installReduxDevtools(target, () => hook),
};
