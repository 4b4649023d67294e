/**
 * What a session keeps besides its state history costs the panel's memory: the timeline's
 * entries, the message rows, the applied-event log (what export writes) and the flag facts.
 * Each model adds its share as it keeps something and takes it off when it lets go of it,
 * so the session's estimate (SessionStore.bytes) is a running sum, never a walk.
 *
 * Each shared value is counted once, by the model that keeps it longest: a message's
 * payload by its row, a step's delta, stats and mutation by its history record
 * (history-cost.ts); a logged event is charged only for its own object.
 *
 * Units and method as in history-cost.ts: heap bytes measured with `node --expose-gc`
 * (64-bit, uncompressed pointers; the heap after a forced GC over 200,000 objects made as
 * the models make them), so the browser (compressed pointers) holds less than estimated.
 * tests/bench/panel-memory.bench-run.ts checks the sum against the real heap of a panel
 * after 1,000,000 events.
 */
import type { HookEvent } from '../../../runtime-hook/protocol';
import { stringBytes, valueBytes } from './history-cost';

/** A timeline entry: its ten fields, the boxed number of its time, its slot. Measured: 130. */
export const ENTRY_BYTES = 136;

/** A message row (its fields, boxed times), its map entry and a one-step list. Measured: 301. */
export const ROW_BYTES = 304;
/** Each step after the first a message caused (a slot of its list, and its spare room once long). */
export const ROW_STEP_BYTES = 16;

/** A flag fact: two slots (the fact's kind and what it is about), and their lists' spare room. */
export const FACT_BYTES = 24;

/**
 * A logged event's own object (its fields, the boxed number of its time, the separate
 * store of the fields the decoder adds after its literal) and its slot; what it points to
 * is counted where it is kept (see the file comment). Measured as the decoder makes them:
 * queued 136, step 130, done 80, started 76, plus the slot.
 */
const EVENT_BYTES: Record<HookEvent['type'], number> = {
  process: 120,
  status: 96,
  queued: 144,
  started: 88,
  done: 88,
  step: 144,
  travel: 88,
  replay: 112,
  notice: 96,
  recording: 80,
  rebase: 104,
};

/** What the event log holds for `ev` itself (a pure function of the event: taken off as it was added). */
export function eventBytes(ev: HookEvent): number {
  const own = EVENT_BYTES[ev.type] ?? 128;
  switch (ev.type) {
    case 'done':
      return own + stringBytes(ev.error);
    case 'notice':
      return own + stringBytes(ev.text);
    case 'status':
      return own + stringBytes(ev.reason);
    case 'replay':
      return own + stringBytes(ev.error);
    case 'process':
      return own + valueBytes(ev.caps) + stringBytes(ev.name);
    case 'rebase':
      // Its bases' states are the history's (each starts a chain there, and is let go of
      // no later than this event).
      return own + valueBytes(ev.processes);
    default:
      return own;
  }
}

/** A message row's share, payload included (the row and its queued event share it). */
export const rowBytes = (name: string, payload: unknown): number =>
  ROW_BYTES + stringBytes(name) + (payload === undefined ? 0 : valueBytes(payload));

/** A search text cached on an entry (one byte per character: two-byte text is under-counted). */
export const searchTextBytes = (text: string): number => 16 + 8 * Math.ceil(text.length / 8);
