/**
 * The phoenix / phoenix_live_view shapes the LiveView adapter reads (only what it uses),
 * and small pure helpers over channel messages and frames.
 */
import type { MessageKind } from '../protocol';

/** A channel message as phoenix.js hands it around (before encoding / after decoding). */
export interface PhxMessage {
  topic: string;
  event: string;
  payload: unknown;
  ref?: string | null;
  join_ref?: string | null;
}
export type Codec = (value: unknown, cb: (out: unknown) => unknown) => unknown;
export interface PhxChannel {
  topic: string;
  state?: string;
  joinPush?: { ref?: string | null; payload?: unknown };
  push?(event: string, payload: unknown, timeout?: number): unknown;
}
/** The parts of phoenix.js's Socket used here (public API, plus `encode`/`decode`/`channels`). */
export interface PhxSocketLike {
  push(data: PhxMessage, ...rest: unknown[]): unknown;
  onMessage(cb: (msg: PhxMessage) => void): string;
  onOpen?(cb: () => void): string;
  onClose?(cb: (e?: unknown) => void): string;
  off?(refs: string[]): void;
  isConnected?(): boolean;
  channels?: PhxChannel[];
  encode?: Codec;
  decode?: Codec;
}
export interface ViewLike {
  id?: string;
  pushWithReply?(refGen: null, event: string, payload: unknown, onReply?: () => void): unknown;
}
/** The parts of phoenix_live_view's LiveSocket used here. */
export interface LiveSocketLike {
  getSocket(): PhxSocketLike;
  getViewByEl?(el: Element): ViewLike | null | undefined;
  main?: ViewLike | null;
}

export interface LiveViewAdapterOptions {
  /** Show the socket's heartbeats (topic `phoenix`) as messages of a `socket` process. */
  heartbeats?: boolean;
  /** How long a replayed event may wait for its reply (default 10 s). */
  replayTimeoutMs?: number;
}

export type Obj = Record<string, unknown>;
export const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isBinary = (x: unknown): x is ArrayBuffer | ArrayBufferView =>
  (typeof ArrayBuffer !== 'undefined' && x instanceof ArrayBuffer) || ArrayBuffer.isView(x as never);
export const binSize = (x: ArrayBuffer | ArrayBufferView) => x.byteLength;
export const now = (): number =>
  typeof performance !== 'undefined' ? performance.timeOrigin + performance.now() : Date.now();

/** Frame size in bytes (characters of the 2.0.0 serializer's JSON text, or binary length). */
export function frameSize(raw: unknown): number {
  if (typeof raw === 'string') return raw.length;
  if (isBinary(raw)) return binSize(raw);
  return 0;
}
export function estimate(m: PhxMessage): number {
  if (isBinary(m.payload)) return binSize(m.payload) + 32;
  try {
    return JSON.stringify([m.join_ref, m.ref, m.topic, m.event, m.payload])?.length ?? 0;
  } catch {
    return 0;
  }
}

export function kindOf(event: string, topic: string): MessageKind {
  if (topic === 'phoenix') return 'call';
  if (event === 'phx_join') return 'join';
  if (event === 'live_patch') return 'params';
  if (event === 'phx_leave' || event.startsWith('cids_')) return 'custom';
  return 'event';
}

/** The join payload without its opaque session tokens. */
export function joinSummary(payload: unknown): unknown {
  if (!isObj(payload)) return payload;
  const { session: _s, static: _t, ...rest } = payload;
  return rest;
}
