/**
 * Phoenix LiveView adapter: every LiveView of a page as a Hindsight process, observed from
 * the real `phoenix_live_view` client (0.20 – 1.2) without touching library files.
 *
 * It sits on the phoenix Socket instance the LiveSocket uses (`liveSocket.getSocket()`):
 * - `push` is wrapped: every outbound message as an object (join, event, live_patch, leave,
 *   upload channels, heartbeats) enters its process's mailbox when the client pushes it;
 * - `encode` / `decode` are wrapped for exact frame sizes and contents, and because `encode`
 *   runs when a message really goes on the wire (pushes made before the socket opened wait
 *   in its send buffer), it marks the message started;
 * - inbound frames: replies finish their message (round trip = done − started), diffs are
 *   merged into a rendered tree per LiveView (runtime-hook/liveview/rendered.ts) and recorded
 *   as steps.
 * The wrappers only note what they saw (a time, the frame's text) and queue it; the queue is
 * read in wire order a little later, outside the client's push and reply handling
 * (liveview/observer.ts), so the adapter adds next to nothing to a round trip.
 * The adapter never throws into the app: every callback is guarded, and what it cannot
 * read (malformed frames, unknown events, binary payloads) is counted in a panel notice.
 */
import type { Adapter } from '../adapter';
import { getHindsight, type Hook } from '../hook';
import { LiveViewObserver } from '../liveview/observer';
import {
  isObj,
  type LiveSocketLike,
  type LiveViewAdapterOptions,
  type PhxSocketLike,
} from '../liveview/wire';

export type { LiveSocketLike, LiveViewAdapterOptions, PhxSocketLike } from '../liveview/wire';

/**
 * Marks a socket that has an observer, on the socket itself: the app's bundle and the
 * extension's page script each carry their own copy of this module, and one socket
 * observed twice would record every message twice.
 */
const ATTACHED = Symbol.for('hindsight.liveview.attached');
type Marked = { [ATTACHED]?: true };

/**
 * Attach to a LiveSocket: every LiveView on the socket becomes a process. Returns a
 * function that removes every wrapper again. Never throws; a socket it cannot read is
 * left alone (the returned detach then does nothing).
 */
export function attachLiveSocket(
  liveSocket: LiveSocketLike,
  hook: Hook = getHindsight(),
  opts: LiveViewAdapterOptions = {},
): () => void {
  try {
    // One observer per socket: a second attach would record every message twice.
    const socket = liveSocket.getSocket() as PhxSocketLike & Marked;
    if (socket[ATTACHED]) return () => {};
    const observer = new LiveViewObserver(liveSocket, hook, opts);
    Object.defineProperty(socket, ATTACHED, { value: true, configurable: true });
    return () => {
      delete socket[ATTACHED];
      observer.detach();
    };
  } catch {
    return () => {};
  }
}

/**
 * Attach to `window.liveSocket` now, or as soon as the app sets it (generated Phoenix apps
 * do `window.liveSocket = liveSocket`). The property becomes an accessor that stores and
 * returns the app's value unchanged. Returns a function that stops watching and detaches.
 */
export function watchLiveSocket(hook?: Hook, opts: LiveViewAdapterOptions = {}): () => void {
  if (typeof window === 'undefined') return () => {};
  const w = window as unknown as { liveSocket?: unknown };
  let detach: (() => void) | undefined;
  let current: unknown;
  const use = (v: unknown) => {
    if (v === current) return;
    detach?.();
    detach = undefined;
    current = v;
    if (isObj(v) && typeof (v as { getSocket?: unknown }).getSocket === 'function')
      // The hook is made only now: a page without a LiveSocket never gets one from here.
      detach = attachLiveSocket(v as unknown as LiveSocketLike, hook ?? getHindsight(), opts);
  };
  let stop = () => {};
  const existing = Object.getOwnPropertyDescriptor(window, 'liveSocket');
  if (!existing || existing.configurable) {
    let value = existing && 'value' in existing ? existing.value : existing?.get?.call(window);
    try {
      Object.defineProperty(window, 'liveSocket', {
        configurable: true,
        enumerable: existing?.enumerable ?? true,
        get: () => value,
        set: (v) => {
          value = v;
          try {
            use(v);
          } catch {
            // The app's assignment always succeeds.
          }
        },
      });
      stop = () => {
        Object.defineProperty(window, 'liveSocket', {
          configurable: true,
          enumerable: true,
          writable: true,
          value,
        });
      };
    } catch {
      // Fall through to polling.
    }
    use(value);
  } else {
    // A non-configurable global (`var liveSocket` in a classic script): look now and then.
    use(w.liveSocket);
    const timer = setInterval(() => use(w.liveSocket), 500);
    stop = () => clearInterval(timer);
  }
  return () => {
    stop();
    detach?.();
    detach = undefined;
  };
}

/** The adapter in the shape every Hindsight adapter has. */
export const liveViewAdapter: Adapter<LiveSocketLike, () => void> = {
  name: 'phoenix_live_view',
  attach: (liveSocket, hook) => attachLiveSocket(liveSocket, hook),
};
