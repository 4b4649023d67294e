/**
 * The app side of the reliability test pages: the real runtime hook, a tiny flux store per
 * process (jump sets its state; each jump is logged), and a log of every Hindsight command
 * that reached this window, so a test can tell whose commands arrived. Bundled to one
 * classic script by lib/pages.ts; everything is on `window.__app`.
 */
import { getHindsight, type ProcessHandle } from '../../../runtime-hook/hook';
import type { MessageKind, ProcessKind } from '../../../runtime-hook/protocol';

export interface SeenCommand {
  /** The message came from this window (the content script), not from a frame. */
  fromSelf: boolean;
  session: unknown;
  type: unknown;
  pid: unknown;
}

export interface AppStore {
  readonly pid: string;
  readonly handle: ProcessHandle;
  readonly state: unknown;
  readonly jumps: { step: number | null; reason: string }[];
  /** One message: queued, started, the state set to `next` (a step named `name`), done. */
  dispatch(name: string, payload: unknown, next: unknown, error?: string, kind?: MessageKind): void;
}

export interface StoreOptions {
  kind?: ProcessKind;
  preview?: boolean;
}

const hook = getHindsight();
const commands: SeenCommand[] = [];

window.addEventListener('message', (e) => {
  const d = e.data as { source?: unknown; kind?: unknown; session?: unknown; cmd?: unknown } | null;
  if (!d || typeof d !== 'object' || d.source !== 'hindsight-ext' || d.kind !== 'command') return;
  const cmd = (d.cmd ?? {}) as { type?: unknown; pid?: unknown };
  commands.push({ fromSelf: e.source === window, session: d.session, type: cmd.type, pid: cmd.pid });
});

function store(name: string, initial: unknown, opts: StoreOptions = {}): AppStore {
  let state = initial;
  const jumps: AppStore['jumps'] = [];
  const handle = hook.process({
    name,
    kind: opts.kind ?? 'store',
    preview: opts.preview,
    getState: () => state,
    setState: (s, info) => {
      state = s;
      jumps.push({ step: info.step, reason: info.reason });
    },
  });
  return {
    pid: handle.pid,
    handle,
    get state() {
      return state;
    },
    jumps,
    dispatch(msgName, payload, next, error, kind) {
      const m = handle.queue(msgName, payload, kind);
      m.start();
      state = next;
      handle.step({ name: msgName, payload }, undefined, m);
      m.done(error === undefined ? undefined : new Error(error));
    },
  };
}

export interface StreamResult {
  pid: string;
  /** Messages dispatched (each is 4 hook events: queued, started, step, done). */
  sent: number;
  ms: number;
  /** The hook's newest sequence number when the stream ended. */
  lastSeq: number;
}

/**
 * Dispatch `rate` messages a second for `ms` on a store named `name` (payload `{ i }`, state
 * `{ n: i + 1 }`), paced by 5 ms timers as an app's work arrives: the messages due since the
 * last tick go out together, so the rate holds whatever the timer jitter.
 */
async function stream(name: string, rate: number, ms: number): Promise<StreamResult> {
  const s = store(name, { n: 0 });
  const t0 = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = performance.now() - t0;
    const due = Math.min(Math.floor((elapsed / 1000) * rate), Math.floor((ms / 1000) * rate));
    for (; sent < due; sent++) s.dispatch('tick', { i: sent }, { n: sent + 1 });
    if (elapsed >= ms) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  return { pid: s.pid, sent, ms: performance.now() - t0, lastSeq: hook.lastSeq };
}

const app = { hook, store, commands, stream };
export type App = typeof app;
(window as unknown as { __app: App }).__app = app;
