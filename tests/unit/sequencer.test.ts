import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../extension/panel/link-types';
import {
  type Clock,
  IGNORED_HELD,
  IGNORED_NO_SESSION,
  IGNORED_OTHER_SESSION,
  Sequencer,
} from '../../extension/panel/sequencer';
import type { Command, HookEvent } from '../../runtime-hook/protocol';

/** A manual clock: time moves only with `advance`, timers fire in order. */
class FakeClock implements Clock {
  t = 1000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.timers[0];
      if (!first || first.at > end) break;
      this.timers.shift();
      this.t = first.at;
      first.fn();
    }
    this.t = end;
  }
  get pending(): number {
    return this.timers.length;
  }
}

const notice = (seq: number) => ({ seq, t: seq, type: 'notice', level: 'info', text: `n${seq}` });
const body = (first: number, count: number) =>
  JSON.stringify(Array.from({ length: count }, (_, i) => notice(first + i)));
const info = (session: string): SessionInfo => ({ session, hook: 'h', url: 'http://x/', startedAt: 1 });

function setup() {
  const clock = new FakeClock();
  const out = {
    sessions: [] as SessionInfo[],
    events: [] as HookEvent[],
    dropped: [] as { reason: string; count: number }[],
    ignored: [] as { reason: string; count: number }[],
    commands: [] as { session: string; cmd: Command }[],
  };
  const seq = new Sequencer(
    {
      session: (i) => out.sessions.push(i),
      events: (evs) => out.events.push(...evs),
      dropped: (d) => out.dropped.push({ reason: d.reason, count: d.count }),
      ignored: (d) => out.ignored.push(d),
      command: (session, cmd) => out.commands.push({ session, cmd }),
    },
    { clock },
  );
  const cmds = () => out.commands.map((c) => c.cmd);
  const seqs = () => out.events.map((e) => e.seq);
  const batch = (first: number, count: number, session = 's1', b = body(first, count)) =>
    seq.batch({ session, first, count, body: b });
  return { clock, out, seq, cmds, seqs, batch };
}

describe('Sequencer', () => {
  it('announces a new session and asks for everything', () => {
    const { seq, out, cmds } = setup();
    seq.hello(info('s1'));
    expect(out.sessions).toEqual([info('s1')]);
    expect(cmds()).toEqual([{ type: 'sync', since: 0 }]);
    expect(out.commands[0].session).toBe('s1');
  });

  it('delivers contiguous batches in order and acks', () => {
    const { seq, batch, seqs, cmds } = setup();
    seq.hello(info('s1'));
    batch(1, 3);
    batch(4, 2);
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(seq.lastSeq).toBe(5);
    expect(cmds()[1]).toEqual({ type: 'ack', seq: 3 });
  });

  it('throttles acks to one per 50 ms, always sending the latest, with a trailing ack', () => {
    const { seq, batch, clock, cmds } = setup();
    seq.hello(info('s1'));
    batch(1, 1);
    batch(2, 1);
    batch(3, 1);
    expect(cmds().filter((c) => c.type === 'ack')).toEqual([{ type: 'ack', seq: 1 }]);
    clock.advance(49);
    expect(cmds().filter((c) => c.type === 'ack')).toHaveLength(1);
    clock.advance(1);
    expect(cmds().filter((c) => c.type === 'ack')).toEqual([
      { type: 'ack', seq: 1 },
      { type: 'ack', seq: 3 },
    ]);
    clock.advance(1000);
    expect(cmds().filter((c) => c.type === 'ack')).toHaveLength(2);
    expect(clock.pending).toBe(0);
  });

  it('skips events it already holds and re-acks a pure resend', () => {
    const { seq, batch, seqs, cmds, clock } = setup();
    seq.hello(info('s1'));
    batch(1, 5);
    batch(3, 5); // overlaps 3..5
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    clock.advance(100);
    batch(1, 7); // everything again
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(cmds().at(-1)).toEqual({ type: 'ack', seq: 7 });
  });

  it('does not deliver across a gap and asks for a sync, rate-limited while the gap persists', () => {
    const { seq, batch, seqs, cmds, clock } = setup();
    seq.hello(info('s1'));
    clock.advance(1000);
    batch(1, 2);
    batch(5, 2); // 3..4 missing
    expect(seqs()).toEqual([1, 2]);
    expect(seq.inGap).toBe(true);
    const syncs = () => cmds().filter((c) => c.type === 'sync');
    expect(syncs()).toEqual([
      { type: 'sync', since: 0 },
      { type: 'sync', since: 2 },
    ]);
    clock.advance(100);
    batch(7, 1); // still a gap: no new sync yet
    expect(syncs()).toHaveLength(2);
    clock.advance(200); // 300 ms after the last sync: trailing sync
    expect(syncs()).toHaveLength(3);
    expect(syncs().at(-1)).toEqual({ type: 'sync', since: 2 });
    // The resend fills the gap: delivered in order, no more syncs.
    batch(3, 5);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(seq.inGap).toBe(false);
    clock.advance(2000);
    expect(syncs()).toHaveLength(3);
  });

  it('does not send the trailing gap sync when the gap was filled meanwhile', () => {
    const { seq, batch, cmds, clock } = setup();
    seq.hello(info('s1'));
    batch(3, 1); // gap right after the hello's sync: suppressed, timer armed
    expect(cmds().filter((c) => c.type === 'sync')).toHaveLength(1);
    batch(1, 3);
    clock.advance(1000);
    expect(cmds().filter((c) => c.type === 'sync')).toHaveLength(1);
  });

  it('resyncs from lastSeq on a hello of the same session (a reconnect)', () => {
    const { seq, batch, out, cmds } = setup();
    seq.hello(info('s1'));
    batch(1, 4);
    seq.disconnected();
    seq.hello(info('s1'));
    expect(out.sessions).toHaveLength(1);
    expect(cmds().at(-1)).toEqual({ type: 'sync', since: 4 });
  });

  it('starts over on a new session and ignores batches of other sessions', () => {
    const { seq, batch, out, seqs, cmds } = setup();
    seq.hello(info('s1'));
    batch(1, 4);
    seq.hello(info('s2'));
    expect(out.sessions.map((s) => s.session)).toEqual(['s1', 's2']);
    expect(seq.lastSeq).toBe(0);
    expect(cmds().at(-1)).toEqual({ type: 'sync', since: 0 });
    expect(out.commands.at(-1)?.session).toBe('s2');
    batch(5, 1, 's1'); // late batch of the old session
    batch(1, 2, 's2');
    expect(seqs()).toEqual([1, 2, 3, 4, 1, 2]);
  });

  it('counts what it ignores apart from drops: held events, other sessions, before a hello', () => {
    const { seq, batch, seqs, out } = setup();
    batch(1, 2);
    seq.hello(info('s1'));
    batch(1, 4);
    batch(2, 2); // a replay of old sequence numbers
    batch(3, 3); // partly held: 3 and 4 are, 5 is new
    batch(6, 1, 'other');
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(out.ignored).toEqual([
      { reason: IGNORED_NO_SESSION, count: 2 },
      { reason: IGNORED_HELD, count: 2 },
      { reason: IGNORED_HELD, count: 2 },
      { reason: IGNORED_OTHER_SESSION, count: 1 },
    ]);
    expect(out.dropped).toEqual([]);
  });

  it('ignores batches before any hello', () => {
    const { batch, seqs, cmds } = setup();
    batch(1, 2);
    expect(seqs()).toEqual([]);
    expect(cmds()).toEqual([]);
  });

  it('counts an unparsable batch as dropped and moves past it', () => {
    const { seq, batch, seqs, out } = setup();
    seq.hello(info('s1'));
    batch(1, 2);
    batch(3, 3, 's1', '[{"seq":3,'); // truncated JSON
    expect(out.dropped).toEqual([{ reason: 'malformed event', count: 3 }]);
    expect(seq.lastSeq).toBe(5);
    batch(6, 1);
    expect(seqs()).toEqual([1, 2, 6]);
  });

  it('counts undecodable and out-of-range events, delivering the rest', () => {
    const { seq, batch, seqs, out } = setup();
    seq.hello(info('s1'));
    const b = JSON.stringify([notice(1), { seq: 2, t: 1, type: 'bogus' }, notice(3), notice(9), notice(3)]);
    batch(1, 3, 's1', b);
    expect(seqs()).toEqual([1, 3]);
    expect(out.dropped).toEqual([{ reason: 'malformed event', count: 1 }]);
    expect(seq.lastSeq).toBe(3);
  });

  it('accepts a lone rebase event across a gap (history evicted in the page)', () => {
    const { seq, batch, seqs, out } = setup();
    seq.hello(info('s1'));
    batch(1, 2);
    const rebase = { seq: 100, t: 1, type: 'rebase', dropped: 98, processes: [], bases: [] };
    batch(100, 1, 's1', JSON.stringify([rebase]));
    batch(101, 2);
    expect(seqs()).toEqual([1, 2, 100, 101, 102]);
    expect(out.events[2]).toMatchObject({ type: 'rebase', dropped: 98 });
    // A lone non-rebase event across a gap is still a gap.
    batch(200, 1);
    expect(seq.lastSeq).toBe(102);
    expect(seq.inGap).toBe(true);
  });

  it('counts a rebase as the seqs it stands for here, whatever the page counted', () => {
    const { seq, batch, seqs, out } = setup();
    seq.hello(info('s1'));
    batch(1, 2);
    // The page believed 3..10 sent (a batch lost on the way) and counted only 11..20 evicted:
    // everything up to 20 is gone from its history, so this panel lacks 3..20, all dropped.
    batch(
      20,
      1,
      's1',
      JSON.stringify([{ seq: 20, t: 1, type: 'rebase', dropped: 10, processes: [], bases: [] }]),
    );
    expect(out.events.at(-1)).toMatchObject({ type: 'rebase', dropped: 18 });
    // A resend from behind what the panel holds counted too many: only 21 is new here.
    batch(
      21,
      1,
      's1',
      JSON.stringify([{ seq: 21, t: 1, type: 'rebase', dropped: 21, processes: [], bases: [] }]),
    );
    expect(out.events.at(-1)).toMatchObject({ type: 'rebase', dropped: 1 });
    expect(seqs()).toEqual([1, 2, 20, 21]);
    expect(seq.lastSeq).toBe(21);
  });

  it('cancels pending acks on disconnect', () => {
    const { seq, batch, cmds, clock } = setup();
    seq.hello(info('s1'));
    batch(1, 1);
    batch(2, 1); // trailing ack pending
    seq.disconnected();
    clock.advance(1000);
    expect(cmds().filter((c) => c.type === 'ack')).toEqual([{ type: 'ack', seq: 1 }]);
    expect(clock.pending).toBe(0);
  });

  it('delivers every event exactly once, in order, over a lossy, duplicating, reordering channel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 17 }),
        fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 50, maxLength: 400 }),
        (total, batchSize, noise) => {
          const { seq, clock, out } = setup();
          let n = 0;
          const rnd = () => noise[n++ % noise.length];
          // The page: answers sync by (re)sending everything after `since`, in batches.
          let wire: { first: number; count: number }[] = [];
          const sendFrom = (since: number) => {
            // A batch still in flight is not queued twice (bounds the channel, whatever the seed;
            // duplicates still arise from the channel itself below).
            for (let f = since + 1; f <= total; f += batchSize)
              if (!wire.some((w) => w.first === f))
                wire.push({ first: f, count: Math.min(batchSize, total - f + 1) });
          };
          out.commands.length = 0;
          seq.hello(info('s1'));
          // Liveness needs an eventually reliable channel: once progress has stalled for a
          // while, the channel stops losing and reordering (it may still hold stale batches).
          let progressAt = 0;
          let last = 0;
          let calm = false;
          for (let round = 0; round < 10_000 && seq.lastSeq < total; round++) {
            if (seq.lastSeq > last) {
              last = seq.lastSeq;
              progressAt = round;
            }
            if (round - progressAt > 40) calm = true;
            for (const { cmd } of out.commands.splice(0)) if (cmd.type === 'sync') sendFrom(cmd.since);
            if (wire.length === 0) {
              // Nothing in flight: like the page's resend timer, or a reconnect's hello.
              clock.advance(400);
              seq.hello(info('s1'));
              continue;
            }
            const r = calm ? 50 : rnd();
            const i = r % 3 === 0 ? Math.min(wire.length - 1, r % 4) : 0; // sometimes out of order
            const [b] = wire.splice(i, 1);
            if (r < 15) continue; // lost
            if (r > 90) wire.push(b); // duplicated later
            seq.batch({ session: 's1', first: b.first, count: b.count, body: body(b.first, b.count) });
            // Time passes; a calm round stands for a quiet moment, so rate-limited syncs can fire.
            clock.advance(calm ? 100 : r % 7);
          }
          wire = [];
          expect(out.events.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
          expect(out.dropped).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.SEQ_RUNS ?? 200) },
    );
  });
});
