import { FrontQueue } from '../lib/front-queue';
import { SLOT_BYTES } from './history-cost';

/**
 * A session list whose oldest items the memory budget lets go of: a FrontQueue plus the
 * estimated heap bytes its items hold (session-cost.ts). One base for the event log, the
 * timeline and the flag facts, so the budget counts each of them the same way.
 */
export abstract class HeldList<T> {
  protected list: FrontQueue<T>;
  /** Estimated heap bytes of the items held; subclasses add and take away as they change. */
  protected held = 0;

  /** @param slots array slots each item takes (FlagFacts keeps two parallel lists). */
  constructor(private readonly slots = 1) {
    this.list = new FrontQueue<T>();
  }

  /** Estimated heap bytes of the items held and of the list's dead slots. */
  get bytes(): number {
    return this.held + SLOT_BYTES * this.deadSlots;
  }

  /** Slots of items let go of that the list still takes (counted in `bytes`). */
  get deadSlots(): number {
    return this.slots * this.list.dead;
  }

  /** Index of the oldest item kept at the front. */
  get first(): number {
    return this.list.first;
  }

  /** One past the index of the newest item (every item ever added counts). */
  get end(): number {
    return this.list.end;
  }

  /** Items kept. */
  get length(): number {
    return this.list.length;
  }
}
