/**
 * Replay for a LiveView: re-send a recorded user event through the view's own push, so the
 * client applies the reply's diff to the page as it did the first time. The observer hands
 * the waiter to the next outbound `event` of that LiveView, and settles it with the reply.
 */
import type { MessageKind } from '../protocol';
import { isObj, type LiveSocketLike, type Obj, type PhxSocketLike, type ViewLike } from './wire';

export interface Waiter {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** The LiveView being replayed into, as the observer keeps it. */
export interface ReplayTarget {
  id: string;
  topic: string;
  replayWaiter?: Waiter;
}

/** Resolves with the reply (undefined for messages that are not the user's to send again). */
export function replayEvent(
  rec: ReplayTarget,
  m: { name: string; kind: MessageKind; payload: unknown },
  liveSocket: LiveSocketLike,
  socket: PhxSocketLike,
  timeoutMs: number,
): unknown {
  // Server pushes and joins are not the user's to send again.
  if (m.kind !== 'event' || !isObj(m.payload) || typeof m.payload.event !== 'string') return undefined;
  const payload: Obj = { ...m.payload };
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      if (rec.replayWaiter === waiter) rec.replayWaiter = undefined;
      fn();
    };
    const waiter: Waiter = {
      resolve: (v) => settle(() => resolve(v)),
      reject: (e) => settle(() => reject(e)),
    };
    timer = setTimeout(() => waiter.reject(new Error('no reply to the replayed event')), timeoutMs);
    rec.replayWaiter = waiter;
    try {
      const view = findView(liveSocket, rec.id);
      if (view?.pushWithReply) {
        const r = view.pushWithReply(null, 'event', payload, () => {});
        if (r && typeof (r as Promise<unknown>).catch === 'function')
          (r as Promise<unknown>).catch((e: unknown) => waiter.reject(e));
      } else {
        const ch = (socket.channels ?? []).find((c) => c.topic === rec.topic);
        if (!ch?.push) throw new Error(`no live channel for ${rec.topic}`);
        ch.push('event', payload);
      }
    } catch (e) {
      waiter.reject(e);
    }
  });
}

function findView(liveSocket: LiveSocketLike, id: string): ViewLike | undefined {
  try {
    const el = typeof document !== 'undefined' ? document.getElementById(id) : null;
    const v = el && liveSocket.getViewByEl?.(el);
    if (v) return v;
    const main = liveSocket.main;
    return main && main.id === id ? main : undefined;
  } catch {
    return undefined;
  }
}
