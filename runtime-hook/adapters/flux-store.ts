/**
 * A LiveEx/Vuex-style store with Hindsight built in. A view dispatches an action; an
 * action may be async and do side effects, and commits named mutations; only mutations
 * change state (in place). One sequential dispatcher: actions dispatched while one runs
 * wait in the store's mailbox — which is exactly what the panel's mailbox view shows.
 */
import type { Adapter } from '../adapter';
import { getHindsight, type Hook, type MessageHandle, type ProcessHandle } from '../hook';
import { trackedCapture } from '../track';

export interface ActionContext<S> {
  readonly state: S;
  commit(mutation: string, payload?: unknown): void;
  /** Runs another action now, inside this one (not queued: that would deadlock). */
  dispatch(action: string, payload?: unknown): Promise<unknown>;
}

export interface FluxStoreConfig<S> {
  name: string;
  state: S | (() => S);
  mutations: Record<string, (state: S, payload: never) => void>;
  actions?: Record<string, (ctx: ActionContext<S>, payload: never) => unknown>;
  parent?: ProcessHandle | string;
}

export interface FluxStore<S> {
  readonly state: S;
  /** Queue an action; resolves with its result when it has run. */
  dispatch(action: string, payload?: unknown): Promise<unknown>;
  /** Commit a mutation directly (outside any action). */
  commit(mutation: string, payload?: unknown): void;
  subscribe(listener: (state: S, mutation: { name: string; payload?: unknown }) => void): () => void;
  replaceState(state: S): void;
  /** Actions waiting to run (not counting the running one). */
  readonly mailbox: number;
  readonly process: ProcessHandle;
}

interface Job {
  name: string;
  payload: unknown;
  msg: MessageHandle;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/**
 * The store, given how to track its mutations: with `track` (trackedCapture), mutations run
 * on tracked views while recording, so a step costs what it wrote; without (the production
 * no-op), the tracking code is not even bundled.
 */
export function attachFluxStore(
  config: FluxStoreConfig<unknown>,
  hook: Hook,
  track?: typeof trackedCapture,
): FluxStore<unknown> {
  let state = typeof config.state === 'function' ? (config.state as () => unknown)() : config.state;
  const listeners = new Set<(s: unknown, m: { name: string; payload?: unknown }) => void>();
  const queue: Job[] = [];
  let running: Job | undefined;

  const { capture, tracker } = track?.() ?? {};

  const notify = (m: { name: string; payload?: unknown }) => {
    for (const l of listeners) l(state, m);
  };

  const commit = (name: string, payload?: unknown) => {
    const fn = config.mutations[name];
    if (!fn) throw new Error(`unknown mutation: ${name}`);
    if (tracker && hook.active) tracker.mutate(state, payload, (s, p) => fn(s as never, p as never));
    else fn(state as never, payload as never);
    proc.step({ name, payload }, state, running?.msg);
    notify({ name, payload });
  };

  const run = async (name: string, payload: unknown): Promise<unknown> => {
    const fn = config.actions?.[name];
    // An action without a handler commits the mutation of the same name (LiveEx default).
    if (!fn) return commit(name, payload);
    return fn(
      {
        // Tracked too: an action writing the state directly is seen (and said) in the next step.
        get state() {
          return (tracker && hook.active ? tracker.view(state) : state) as never;
        },
        commit,
        dispatch: (a, p) => run(a, p),
      },
      payload as never,
    );
  };

  const pump = async () => {
    if (running) return;
    while (queue.length) {
      const job = queue.shift()!;
      running = job;
      job.msg.start();
      try {
        const r = await run(job.name, job.payload);
        job.msg.done();
        job.resolve(r);
      } catch (e) {
        job.msg.done(e);
        job.reject(e);
      }
      running = undefined;
    }
  };

  const dispatch = (name: string, payload?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      queue.push({ name, payload, msg: proc.queue(name, payload, 'action'), resolve, reject });
      void pump();
    });

  const replaceState = (s: unknown) => {
    state = s;
    notify({ name: '@@replaceState' });
  };

  const proc = hook.process({
    name: config.name,
    kind: 'store',
    parent: config.parent,
    getState: () => state,
    setState: replaceState,
    capture,
    replay: (m) => dispatch(m.name, m.payload),
  });

  return {
    get state() {
      return state;
    },
    dispatch,
    commit,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    replaceState,
    get mailbox() {
      return queue.length;
    },
    process: proc,
  };
}

export const fluxStoreAdapter: Adapter<FluxStoreConfig<unknown>, FluxStore<unknown>> = {
  name: 'flux-store',
  attach: (config, hook) => attachFluxStore(config, hook, trackedCapture),
};

export function createFluxStore<S>(config: FluxStoreConfig<S>, hook: Hook = getHindsight()): FluxStore<S> {
  return fluxStoreAdapter.attach(config as FluxStoreConfig<unknown>, hook) as FluxStore<S>;
}
