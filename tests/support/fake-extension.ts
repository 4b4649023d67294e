/**
 * The extension's end of the page channel, in memory, for hook unit tests: it speaks the
 * real protocol (decoders from protocol.ts) and rebuilds each process's states with the
 * real jsondiffpatch, so the hook's output is checked by an independent implementation.
 */
import * as jsondiffpatch from 'jsondiffpatch';
import { Hook, type HookOptions, type PageTransport } from '../../runtime-hook/hook';
import {
  type Command,
  decodeBatchBody,
  decodePageEnvelope,
  EXT_SOURCE,
  type HookEvent,
  PROTOCOL_VERSION,
  type Serialized,
} from '../../runtime-hook/protocol';

export class FakeExtension {
  readonly hook: Hook;
  /** Every decoded event, in arrival order, duplicates included. */
  readonly received: HookEvent[] = [];
  /** Delivered once each, in seq order (what a panel keeps). */
  readonly events: HookEvent[] = [];
  /** pid → state per step, rebuilt from full/delta with jsondiffpatch. */
  readonly states = new Map<string, Serialized[]>();
  batches = 0;
  /** Characters of the largest batch body posted. */
  largestBody = 0;
  lastSeq = 0;
  autoAck = true;
  private listener?: (d: unknown) => void;

  constructor(opts: Partial<HookOptions> = {}) {
    const transport: PageTransport = {
      post: (m) => this.onPost(m),
      listen: (cb) => {
        this.listener = cb;
      },
    };
    this.hook = new Hook({ ...opts, transport });
  }

  connect(): void {
    this.listener?.({ source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'connect' });
  }

  send(cmd: Command): void {
    this.listener?.({
      source: EXT_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'command',
      session: this.hook.session,
      cmd,
    });
  }

  /** Connect and ask for everything, as an opened panel does. */
  open(): void {
    this.connect();
    this.send({ type: 'sync', since: this.lastSeq });
  }

  private onPost(m: object): void {
    const env = decodePageEnvelope(m);
    if (env?.kind !== 'batch') return;
    this.batches++;
    this.largestBody = Math.max(this.largestBody, env.body.length);
    const { events, bad } = decodeBatchBody(env.body);
    if (bad) throw new Error(`hook sent ${bad} malformed events`);
    for (const e of events) {
      this.received.push(e);
      if (e.seq <= this.lastSeq) continue;
      if (e.seq !== this.lastSeq + 1 && e.type !== 'rebase')
        throw new Error(`gap: ${this.lastSeq} → ${e.seq}`);
      this.lastSeq = e.seq;
      this.events.push(e);
      this.apply(e);
    }
    if (this.autoAck) queueMicrotask(() => this.send({ type: 'ack', seq: this.lastSeq }));
  }

  private apply(e: HookEvent): void {
    if (e.type === 'rebase') {
      for (const b of e.bases) {
        const list: Serialized[] = [];
        list[b.step] = b.full;
        this.states.set(b.pid, list);
      }
      return;
    }
    if (e.type !== 'step') return;
    const list = this.states.get(e.pid) ?? [];
    this.states.set(e.pid, list);
    if (e.full !== undefined) list[e.step] = e.full;
    else {
      const prev = list[e.step - 1];
      if (prev === undefined) throw new Error(`delta for ${e.pid} step ${e.step} without its base`);
      list[e.step] = jsondiffpatch.patch(structuredClone(prev), e.delta as jsondiffpatch.Delta) as Serialized;
    }
  }

  of<T extends HookEvent['type']>(type: T): Extract<HookEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<HookEvent, { type: T }> => e.type === type);
  }

  /**
   * Wait until every event the hook has recorded arrived here. A fixed `settle` is not enough
   * for large streams: rebuilding big states (above) can take longer than the wait itself,
   * and the next batch is only posted after this end's work on the previous one.
   */
  async drained(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    await settle(20);
    while (this.lastSeq < this.hook.lastSeq) {
      if (Date.now() > end)
        throw new Error(`not drained after ${timeoutMs} ms: ${this.lastSeq} of ${this.hook.lastSeq}`);
      await settle(10);
    }
  }

  latest(pid: string): Serialized | undefined {
    const l = this.states.get(pid);
    return l?.[l.length - 1];
  }
}

/** Wait for the hook's per-frame flush (16 ms timer) and the acks it triggers. */
export const settle = (ms = 40) => new Promise((r) => setTimeout(r, ms));
