/**
 * The LiveView adapter stays off the client's reply path: its socket wrappers only take note
 * (a time, the frame's text), and what they noted is read later, in wire order, from the
 * immutable text rather than from the message the client decoded (and edits in place).
 * A stand-in socket with phoenix's shape (2.0.0 serializer text frames) drives it.
 */
import { describe, expect, test, vi } from 'vitest';
import { attachLiveSocket } from '../../runtime-hook/adapters/liveview';
import { FakeExtension, settle } from '../support/fake-extension';

type Msg = { join_ref?: unknown; ref?: unknown; topic: string; event: string; payload: unknown };

function fakeSocket(onDecoded: (m: Msg) => void = () => {}) {
  const s = {
    channels: [] as unknown[],
    sent: [] as string[],
    encode(m: Msg, cb: (t: string) => unknown) {
      return cb(JSON.stringify([m.join_ref, m.ref, m.topic, m.event, m.payload]));
    },
    decode(raw: string, cb: (m: Msg) => unknown) {
      const [join_ref, ref, topic, event, payload] = JSON.parse(raw);
      return cb({ join_ref, ref, topic, event, payload });
    },
    push(m: Msg) {
      s.encode(m, (t) => s.sent.push(t));
    },
    onMessage: () => '1',
    off() {},
    isConnected: () => true,
    receive(raw: string) {
      s.decode(raw, (m) => onDecoded(m));
    },
  };
  return s;
}

const TOPIC = 'lv:phx-x';
const join = (s: ReturnType<typeof fakeSocket>) => {
  s.push({ join_ref: '1', ref: '1', topic: TOPIC, event: 'phx_join', payload: { url: 'http://x/a' } });
  s.receive(
    JSON.stringify([
      '1',
      '1',
      TOPIC,
      'phx_reply',
      { status: 'ok', response: { rendered: { 0: '0', s: ['<b>', '</b>'] } } },
    ]),
  );
};
const event = (s: ReturnType<typeof fakeSocket>, ref: string, n: number) => {
  s.push({
    join_ref: '1',
    ref,
    topic: TOPIC,
    event: 'event',
    payload: { type: 'click', event: 'inc', value: {} },
  });
  s.receive(
    `["1","${ref}","${TOPIC}","phx_reply",{"status":"ok","response":{"diff":{"0":"${n}","t":"T${n}"}}}]`,
  );
};

describe('LiveView adapter off the reply path', () => {
  test('nothing is recorded inside push or decode; it all arrives afterwards, in wire order', async () => {
    const ext = new FakeExtension();
    ext.open();
    const s = fakeSocket();
    const detach = attachLiveSocket({ getSocket: () => s as never }, ext.hook);
    const before = ext.hook.lastSeq;
    join(s);
    event(s, '2', 1);
    event(s, '3', 2);
    expect(ext.hook.lastSeq).toBe(before);
    await settle(80);
    expect(ext.hook.lastSeq).toBeGreaterThan(before);
    const order = ext.events
      .filter((e) => e.type !== 'process' && e.type !== 'status')
      .map((e) => (e.type === 'step' ? `step:${e.mutation?.name}` : e.type));
    expect(order).toEqual([
      ...['step:undefined', 'queued', 'started', 'step:join', 'done'],
      ...['queued', 'started', 'step:event:inc', 'done'],
      ...['queued', 'started', 'step:event:inc', 'done'],
    ]);
    const [proc] = ext.of('process');
    expect(ext.latest(proc.pid)).toMatchObject({ rendered: { 0: '2' }, title: 'T2' });
    detach();
  });

  test('what is recorded comes from the frame text, not from the message the client edits', async () => {
    const ext = new FakeExtension();
    ext.open();
    // As the real client does: take the title out of the decoded diff and change the rest.
    const s = fakeSocket((m) => {
      const diff = (m.payload as { response?: { diff?: Record<string, unknown> } }).response?.diff;
      if (diff) {
        delete diff.t;
        diff[0] = 'edited by the client';
      }
    });
    attachLiveSocket({ getSocket: () => s as never }, ext.hook);
    join(s);
    event(s, '2', 7);
    await settle(80);
    const [proc] = ext.of('process');
    expect(ext.latest(proc.pid)).toMatchObject({ rendered: { 0: '7' }, title: 'T7' });
  });

  test('detach reads what is still queued at once', () => {
    const ext = new FakeExtension();
    ext.open();
    const s = fakeSocket();
    const { push, decode } = s;
    const detach = attachLiveSocket({ getSocket: () => s as never }, ext.hook);
    const before = ext.hook.lastSeq;
    join(s);
    event(s, '2', 1);
    expect(ext.hook.lastSeq).toBe(before);
    detach();
    // process, snapshot, join (queued, started, step, done), event (queued, started, step, done),
    // and the exit.
    expect(ext.hook.lastSeq - before).toBeGreaterThanOrEqual(10);
    expect(s.push).toBe(push);
    expect(s.decode).toBe(decode);
  });

  test('a queue that timers do not get to (a throttled background tab) is read once it is long', async () => {
    const ext = new FakeExtension();
    ext.open();
    const s = fakeSocket();
    attachLiveSocket({ getSocket: () => s as never }, ext.hook);
    const before = ext.hook.lastSeq;
    join(s);
    for (let i = 0; i < 1100; i++) event(s, String(i + 2), i);
    // Read while still pushing: more than a thousand events are recorded already.
    expect(ext.hook.lastSeq - before).toBeGreaterThan(4000);
    // The rest goes out as acks come back (the send window): wait for it, however busy the machine.
    await vi.waitFor(() => expect(ext.of('done').length).toBe(1101), { timeout: 10_000, interval: 20 });
    const started = new Set(ext.of('started').map((e) => e.mid));
    const events = ext.of('queued').filter((q) => q.kind === 'event');
    expect(events).toHaveLength(1100);
    expect(events.every((q) => started.has(q.mid))).toBe(true);
    expect(ext.of('done').length).toBe(1101);
  });
});
