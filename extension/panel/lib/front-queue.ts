/**
 * An append-only list whose oldest items can be let go of: an item keeps its absolute
 * index for ever (`push` returns it) and the kept ones are `first` … `end - 1`. Dropping
 * moves `first` on and clears the slot at once (what it held can be collected); the array
 * is compacted only once half of it is dropped, so each item is copied O(1) times overall.
 * Consumers that remember positions remember absolute indices: they stay valid across drops.
 */
export class FrontQueue<T> {
  private list: (T | undefined)[] = [];
  private head = 0;
  private base = 0;

  /**
   * @param clears whether a dropped slot is cleared at once: yes for objects (to free
   *   them), no for numbers (an array of numbers stays unboxed).
   */
  constructor(private readonly clears = true) {}

  /** Append; returns the item's absolute index. */
  push(x: T): number {
    this.list.push(x);
    return this.base + this.list.length - 1;
  }

  /** Index of the oldest kept item. */
  get first(): number {
    return this.base + this.head;
  }

  /** One past the index of the newest item (every item ever pushed counts). */
  get end(): number {
    return this.base + this.list.length;
  }

  /** Items kept. */
  get length(): number {
    return this.list.length - this.head;
  }

  /** Slots of dropped items not compacted away yet (memory still taken: fewer than half). */
  get dead(): number {
    return this.head;
  }

  /** The item at absolute `index`; undefined if let go of or not there yet. */
  at(index: number): T | undefined {
    const k = index - this.base;
    return k >= this.head ? this.list[k] : undefined;
  }

  /** Let go of the oldest item and return it. */
  shift(): T | undefined {
    if (this.head >= this.list.length) return undefined;
    const x = this.list[this.head];
    if (this.clears) this.list[this.head] = undefined;
    this.head++;
    if (this.head > 16 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    return x;
  }

  /** The kept items, oldest first (a copy). */
  toArray(): T[] {
    return this.list.slice(this.head) as T[];
  }
}
