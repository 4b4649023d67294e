/**
 * The benchmark page's app.js: a LiveSocket on the real phoenix_live_view 1.0 client, with
 * the Hindsight hook created at load (so the extension connects to it) but the LiveView
 * adapter NOT attached; `window.__hsBench` lets the benchmark attach and detach it and
 * time round trips of user events in the page.
 *
 * The socket is deliberately not published as `window.liveSocket`: the extension's MAIN
 * world script watches that global and would attach the adapter by itself. With
 * `attachVia: 'extension'` the benchmark does exactly that instead (set the global to
 * attach, clear it to detach), measuring the adapter as the extension ships it.
 */
import { Socket } from 'phoenix';
import { LiveSocket } from 'plv10';
import { Hook } from '../../../runtime-hook/hook';
import { attachLiveSocket, getHindsight } from '../../../runtime-hook/index';
import { EXT_SOURCE, PROTOCOL_VERSION } from '../../../runtime-hook/protocol';

interface HookThis {
  el: HTMLElement;
  pushEvent(event: string, payload: unknown, onReply: (reply: unknown, ref: number) => void): unknown;
}

const hook = getHindsight();
let benchHook: HookThis | undefined;
/** Bumped each time the view (re)joined and its hook is live. */
let joins = 0;

const hooks = {
  Bench: {
    mounted(this: HookThis) {
      benchHook = this;
      joins++;
    },
    reconnected(this: HookThis) {
      benchHook = this;
      joins++;
    },
  },
};

const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? 'bench';
type Codec = (...a: unknown[]) => unknown;
interface PhxSocket {
  push: Codec;
  encode: Codec;
  decode: Codec;
}
const liveSocket = new LiveSocket('/live', Socket, { hooks, params: { _csrf_token: csrf } }) as {
  connect(): void;
  disconnect(cb?: () => void): void;
  getSocket(): PhxSocket;
};
liveSocket.connect();
const socket = liveSocket.getSocket();
const pristine = { push: socket.push, encode: socket.encode, decode: socket.decode };
/** Nothing wraps the socket: the client is exactly as the library made it. */
const untouched = () =>
  socket.push === pristine.push && socket.encode === pristine.encode && socket.decode === pristine.decode;

let detach: (() => void) | undefined;
type Via = 'import' | 'extension';
const w = window as unknown as { liveSocket?: unknown };

function attach(via: Via): () => void {
  if (via === 'import') return attachLiveSocket(liveSocket as never, hook);
  w.liveSocket = liveSocket;
  return () => {
    w.liveSocket = undefined;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`bench page: timed out waiting for ${what}`);
    await sleep(5);
  }
}

const bench = {
  /** The view joined, and the extension's hook is connected to the page. */
  ready: () => joins > 0,
  hookActive: () => hook.active,
  crossOriginIsolated: () => globalThis.crossOriginIsolated === true,
  attached: () => detach !== undefined,
  untouched,
  /**
   * Drop the connection, attach or detach the adapter, connect again and wait for the
   * rejoin: each block starts from a fresh join, and an attached adapter has seen it (so it
   * keeps the rendered tree and merges every diff, as it does from page load in an app).
   */
  async reconnect(on: boolean, via: Via = 'import'): Promise<void> {
    await new Promise<void>((ok) => liveSocket.disconnect(() => ok()));
    if (on && !detach) detach = attach(via);
    if (!on && detach) {
      detach();
      detach = undefined;
    }
    // Honest sides: attached means wrapped, plain means nothing at all is wrapped.
    if (untouched() === on) throw new Error(`bench page: the socket is ${on ? 'not ' : ''}wrapped`);
    const before = joins;
    liveSocket.connect();
    await until('the rejoin', () => joins > before);
  },
  /**
   * Push `n` events one after another (each after the previous reply was handled); each
   * round trip in ms: pushEvent → the reply's callback, which runs after the client applied
   * the reply's diff to the page. Also the time spent inside the socket's `push` (encode and
   * send, plus the adapter's outbound work when attached) and `decode` (the client handling
   * the frame, plus the adapter's inbound work), summed over the block: the difference
   * between the sides is the adapter's synchronous cost where it really runs.
   */
  async run(n: number, event = 'inc'): Promise<{ rtts: number[]; pushMs: number; decodeMs: number }> {
    const h = benchHook;
    if (!h) throw new Error('bench page: no hook mounted');
    const out: number[] = [];
    const timed = { pushMs: 0, decodeMs: 0 };
    const push0 = socket.push;
    const decode0 = socket.decode;
    const ownPush = Object.hasOwn(socket, 'push');
    socket.push = function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      try {
        return push0.apply(this, a);
      } finally {
        timed.pushMs += performance.now() - t;
      }
    };
    socket.decode = function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      try {
        return decode0.apply(this, a);
      } finally {
        timed.decodeMs += performance.now() - t;
      }
    };
    try {
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await new Promise<void>((ok, fail) => {
          const ref = h.pushEvent(event, { i }, () => ok());
          if (ref === false) fail(new Error('bench page: the view is not connected'));
        });
        out.push(performance.now() - t0);
      }
    } finally {
      if (ownPush) socket.push = push0;
      else delete (socket as Partial<PhxSocket>).push;
      socket.decode = decode0;
    }
    // Each block starts from a fresh mount (count 0): every event went through.
    if (bench.count() !== n) throw new Error(`bench page: count ${bench.count()} after ${n} events`);
    return { rtts: out, ...timed };
  },
  /** The count the page shows (to check the events really went through). */
  count: () => Number(document.getElementById('count')?.textContent ?? Number.NaN),
};

// --- the adapter's own work, without a network ------------------------------------------

/**
 * A stand-in for phoenix.js's Socket with the parts the adapter touches, on the 2.0.0
 * serializer's text frames: `push` encodes (as phoenix does, through `this.encode`), and
 * `receive(text)` decodes and hands the message to the onMessage callbacks.
 */
function fakeSocket() {
  const listeners: ((m: unknown) => void)[] = [];
  const s = {
    channels: [] as unknown[],
    sent: '',
    encode(
      m: { join_ref?: unknown; ref?: unknown; topic: string; event: string; payload: unknown },
      cb: (t: string) => unknown,
    ) {
      return cb(JSON.stringify([m.join_ref, m.ref, m.topic, m.event, m.payload]));
    },
    decode(raw: string, cb: (m: unknown) => unknown) {
      const [join_ref, ref, topic, event, payload] = JSON.parse(raw);
      return cb({ join_ref, ref, topic, event, payload });
    },
    push(m: { join_ref?: unknown; ref?: unknown; topic: string; event: string; payload: unknown }) {
      s.encode(m, (t) => {
        s.sent = t;
      });
    },
    onMessage(cb: (m: unknown) => void) {
      listeners.push(cb);
      return String(listeners.length);
    },
    off() {},
    isConnected: () => true,
    receive(raw: string) {
      s.decode(raw, (m) => {
        for (const l of listeners) l(m);
      });
    },
  };
  return s;
}

type MicroMode = 'plain' | 'adapter' | 'recording';

/**
 * `n` event round trips (push an event, receive its reply with a small diff) on a fake
 * socket, in ms per round trip: `plain` with nothing attached (frames encoded and decoded
 * only), `adapter` with the adapter attached to a hook that is connected but paused (the
 * adapter keeps its rendered tree and pending map; the hook records nothing), `recording`
 * with the hook recording (serialize, delta, outbox), streaming to nowhere. The frames have
 * the shape the benchmark's server sends.
 */
function micro(mode: MicroMode, n: number): number {
  const s = fakeSocket();
  let listen: (d: unknown) => void = () => {};
  const h = new Hook({
    transport: {
      post() {},
      listen(cb) {
        listen = cb;
      },
    },
  });
  const ext = (m: object) => listen({ source: EXT_SOURCE, v: PROTOCOL_VERSION, ...m });
  ext({ kind: 'connect' });
  ext({ kind: 'command', session: h.session, cmd: { type: 'sync', since: 0 } });
  if (mode === 'adapter') ext({ kind: 'command', session: h.session, cmd: { type: 'pause' } });
  const detachMicro =
    mode === 'plain'
      ? () => {}
      : attachLiveSocket({ getSocket: () => s as never, getViewByEl: () => undefined, main: null }, h);
  const topic = 'lv:phx-bench';
  s.push({
    join_ref: '1',
    ref: '1',
    topic,
    event: 'phx_join',
    payload: { url: location.href, params: {}, session: 'x' },
  });
  const statics = [
    '<div id="bench" phx-hook="Bench">\n  <h1>Count: <span id="count">',
    '</span></h1>\n  <p>last event <span id="last">',
    '</span></p>\n</div>',
  ];
  s.receive(
    JSON.stringify([
      '1',
      '1',
      topic,
      'phx_reply',
      { status: 'ok', response: { rendered: { 0: '0', 1: '-1', s: statics } } },
    ]),
  );
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const ref = String(i + 2);
    s.push({
      join_ref: '1',
      ref,
      topic,
      event: 'event',
      payload: { type: 'hook', event: 'inc', value: { i } },
    });
    s.receive(
      `["1","${ref}","${topic}","phx_reply",{"status":"ok","response":{"diff":{"0":"${i + 1}","1":"${i}"}}}]`,
    );
  }
  // The adapter reads what it queued in a task of its own; detaching reads the rest at once,
  // so it is timed too (the per-event work, wherever it runs).
  detachMicro();
  return (performance.now() - t0) / n;
}

/** Per round trip, in µs: the median of `reps` runs of `n` for each mode, interleaved. */
function microAll(n = 2000, reps = 7): Record<MicroMode, number> {
  const modes: MicroMode[] = ['plain', 'adapter', 'recording'];
  for (const m of modes) micro(m, n); // warm-up
  const runs: Record<MicroMode, number[]> = { plain: [], adapter: [], recording: [] };
  for (let r = 0; r < reps; r++) for (const m of modes) runs[m].push(micro(m, n));
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] * 1000;
  return { plain: med(runs.plain), adapter: med(runs.adapter), recording: med(runs.recording) };
}

Object.assign(bench, { micro, microAll });
(window as unknown as { __hsBench: typeof bench }).__hsBench = bench;
