// @vitest-environment happy-dom
/**
 * The LiveView adapter against the REAL phoenix_live_view clients (0.20.1, 1.0.19, 1.2.12)
 * and the real phoenix Socket, in happy-dom. The only fake is the WebSocket: it hands each
 * frame the client sends to a TranscriptPlayer, which answers with what a real Phoenix
 * server answered in the recorded transcripts (shared/fixtures/liveview). The hook's
 * output goes through FakeExtension (the real protocol decoders and jsondiffpatch).
 */
import { Socket } from 'phoenix';
import { LiveSocket as LiveSocket10 } from 'plv10';
import { LiveSocket as LiveSocket12 } from 'plv12';
import { LiveSocket as LiveSocket020 } from 'plv020';
import { afterEach, describe, expect, test } from 'vitest';
import { attachLiveSocket, watchLiveSocket } from '../../runtime-hook/adapters/liveview';
import type { Hook } from '../../runtime-hook/hook';
import { renderHTML } from '../../runtime-hook/liveview/rendered';
import { REPORT_EVENT } from '../../runtime-hook/liveview/server-report';
import type { Serialized } from '../../runtime-hook/protocol';
import { driveEvent, normalizeLiveHTML } from '../e2e/harness/liveview-dom';
import {
  type Answer,
  connection,
  type Frame,
  loadTranscript,
  type RecordedFrame,
  TranscriptPlayer,
  userEvents,
} from '../e2e/harness/liveview-transcript';
import { FakeExtension, settle } from '../support/fake-extension';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Client = '0.20' | '1.0' | '1.2';
type LiveSocketClass = new (url: string, socket: unknown, opts?: Record<string, unknown>) => unknown;
const LIVE_SOCKETS: Record<Client, LiveSocketClass> = {
  '0.20': LiveSocket020,
  '1.0': LiveSocket10,
  '1.2': LiveSocket12 as unknown as LiveSocketClass,
};

/** A WebSocket whose server is a transcript player (or a test that calls `serverSend`). */
function fakeWebSocket(player: TranscriptPlayer, log: { sent: unknown[]; sockets: FakeWS[] }) {
  class FakeWS {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    readyState = 0;
    binaryType = 'arraybuffer';
    onopen?: (e: unknown) => void;
    onmessage?: (e: { data: unknown }) => void;
    onclose?: (e: unknown) => void;
    onerror?: (e: unknown) => void;
    constructor(public url: string) {
      log.sockets.push(this);
      setTimeout(() => {
        this.readyState = 1;
        this.onopen?.({});
      }, 5);
    }
    send(data: unknown) {
      log.sent.push(data);
      if (typeof data !== 'string') return;
      this.play(player.onClientFrame(JSON.parse(data) as Frame));
    }
    play(answers: Answer[]) {
      let at = 1;
      for (const a of answers) {
        at += a.delay;
        setTimeout(() => this.serverSend(a.frame), at);
      }
    }
    serverSend(frame: unknown) {
      if (this.readyState === 1)
        this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
    }
    close() {
      this.readyState = 3;
      this.onclose?.({ code: 1000 });
    }
  }
  return FakeWS;
}
type FakeWS = InstanceType<ReturnType<typeof fakeWebSocket>>;

interface Running {
  ext: FakeExtension;
  liveSocket: { connect(): void; disconnect(): void; getSocket(): unknown; disableDebug?(): void };
  player: TranscriptPlayer;
  frames: RecordedFrame[];
  rootId: string;
  log: { sent: unknown[]; sockets: FakeWS[] };
  detach: () => void;
}
let running: Running | undefined;

afterEach(() => {
  try {
    running?.detach();
    running?.liveSocket.disconnect();
  } catch {
    // already gone
  }
  running = undefined;
  document.body.innerHTML = '';
  delete (window as { liveSocket?: unknown }).liveSocket;
});

/** The client sends the page URL in its join; the recording's path names the process. */
function setPageUrl(path: string): void {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(
    `http://127.0.0.1:4001${path}`,
  );
}

/** The page a LiveView server would have rendered: the root container from the join. */
function mountPage(join: Frame): string {
  const id = join[2].slice(3);
  const p = join[4] as { session: string; static: string };
  const el = document.createElement('div');
  el.id = id;
  el.setAttribute('data-phx-main', '');
  el.setAttribute('data-phx-session', p.session);
  el.setAttribute('data-phx-static', p.static ?? '');
  document.body.replaceChildren(el);
  return id;
}

const hooks = {
  // The `push` scenario's hook: a button that pushEvents `ping` and shows the reply.
  Pusher: {
    mounted(this: {
      el: HTMLElement;
      pushEvent(e: string, p: unknown, cb: (r: { n: number }) => void): void;
    }) {
      this.el.querySelector('#ping-btn')?.addEventListener('click', () =>
        this.pushEvent('ping', { sent_at: Date.now() }, (r) => {
          const out = this.el.querySelector('#ping-reply');
          if (out) out.textContent = `pong #${r.n}`;
        }),
      );
    },
  },
};

/** Start the real client on a recorded connection, with the adapter attached. */
async function start(
  client: Client,
  fixture: string,
  opts: { connectFirst?: boolean } = {},
): Promise<Running> {
  const t = loadTranscript(fixture);
  const frames = connection(t, 1);
  const player = new TranscriptPlayer(frames, 0.05, 100);
  const log = { sent: [] as unknown[], sockets: [] as FakeWS[] };
  const ext = new FakeExtension();
  ext.open();
  setPageUrl(t.path);
  const rootId = mountPage(frames[0].frame);
  const LiveSocket = LIVE_SOCKETS[client];
  const liveSocket = new LiveSocket('/live', Socket, {
    transport: fakeWebSocket(player, log),
    hooks,
  }) as Running['liveSocket'];
  liveSocket.disableDebug?.();
  let detach: () => void;
  if (opts.connectFirst) {
    // As generated app.js does: connect, then publish on window (watchLiveSocket catches it).
    detach = watchLiveSocket(ext.hook);
    liveSocket.connect();
    (window as { liveSocket?: unknown }).liveSocket = liveSocket;
  } else {
    detach = attachLiveSocket(liveSocket as never, ext.hook);
    liveSocket.connect();
  }
  running = { ext, liveSocket, player, frames, rootId, log, detach };
  await until(() => player.matched >= 1 && !!document.getElementById(rootId)?.childElementCount, 'join');
  await quiet();
  return running;
}

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
/** Let pending answers arrive and the hook flush. */
const quiet = async () => {
  await sleep(60);
  await settle();
};

/** Drive every recorded user event through the page, one at a time. */
async function driveAll(r: Running, hookButtons?: Record<string, string>): Promise<void> {
  for (const ev of userEvents(r.frames)) {
    const before = r.player.matched;
    const did = driveEvent({ rootId: ev.topic.slice(3), payload: ev.payload, hookButtons });
    expect(did, `drive ${JSON.stringify(ev.payload)}`).not.toBeNull();
    await until(() => r.player.matched > before, `client to send ${String(ev.payload.event)}`);
    await quiet();
  }
  await quiet();
}

const procs = (ext: FakeExtension) => ext.of('process');
const lvs = (ext: FakeExtension) => procs(ext).filter((p) => p.kind === 'liveview');
const stateOf = (ext: FakeExtension, pid: string) =>
  ext.latest(pid) as { rendered: Serialized; streams: Serialized; title?: string } | undefined;

/** Every LiveView's rebuilt HTML equals what the client put in its container. */
function expectHtmlMatchesDom(r: Running): void {
  const exited = new Set(
    r.ext
      .of('status')
      .filter((s) => s.status === 'exited')
      .map((s) => s.pid),
  );
  let compared = 0;
  for (const p of lvs(r.ext)) {
    if (exited.has(p.pid)) continue;
    const topic = r.frames.find((f) => f.frame[3] === 'phx_join' && p.name.endsWith(f.frame[2].slice(3)));
    const id = topic ? topic.frame[2].slice(3) : r.rootId;
    const el = document.getElementById(id);
    const s = stateOf(r.ext, p.pid);
    expect(el, `container of ${p.name}`).toBeTruthy();
    const rebuilt = renderHTML(s?.rendered, s?.streams as never);
    expect(normalizeLiveHTML(rebuilt), p.name).toBe(normalizeLiveHTML(el!.innerHTML));
    compared++;
  }
  expect(compared).toBeGreaterThan(0);
}

const SCENARIOS: [Client, string, string[]][] = [
  ['1.0', 'phoenix-lv-1.0.17', ['index', 'counter', 'list', 'form', 'component', 'push', 'timer', 'nested']],
  // 1.1+ clients no longer read the `d` comprehensions a 1.0 server sends (list, form).
  ['1.2', 'phoenix-lv-1.0.17', ['index', 'counter', 'component', 'push', 'timer', 'nested']],
  [
    '0.20',
    'phoenix-lv-0.20.17',
    ['index', 'counter', 'list', 'form', 'component', 'push', 'timer', 'nested'],
  ],
];

describe.each(SCENARIOS)('real client %s against recorded %s', (client, dir, scenarios) => {
  test.each(scenarios)('%s: processes, messages, steps and HTML equal to the DOM', async (scenario) => {
    const r = await start(client, `${dir}/${scenario}.json`);
    await driveAll(r, { ping: '#ping-btn' });
    if (scenario === 'timer')
      await until(() => r.player.matched >= 1 && r.ext.of('step').length >= 7, 'ticks');
    await quiet();
    const { ext } = r;
    const joins = r.frames.filter((f) => f.dir === 'sent' && f.frame[3] === 'phx_join');
    expect(lvs(ext)).toHaveLength(new Set(joins.map((j) => j.frame[2])).size);
    for (const p of lvs(ext)) expect(p.caps).toEqual({ jump: false, replay: true, preview: true });
    // Every event the client sent is a message that got its reply.
    const sentEvents = userEvents(r.frames).length;
    const evs = ext.of('queued').filter((q) => q.kind === 'event');
    expect(evs).toHaveLength(sentEvents);
    const done = new Map(ext.of('done').map((d) => [d.mid, d]));
    const started = new Map(ext.of('started').map((d) => [d.mid, d]));
    for (const q of evs) {
      expect(done.get(q.mid)?.error, q.name).toBeUndefined();
      expect(done.get(q.mid)!.t).toBeGreaterThanOrEqual(started.get(q.mid)!.t);
    }
    // A step for the join and one per diff, named by what caused it.
    const steps = ext.of('step').filter((s) => s.mutation);
    const lvPids = new Set(lvs(ext).map((p) => p.pid));
    expect(steps.filter((s) => s.mutation!.name === 'join').length).toBe(joins.length);
    const diffReplies = r.frames.filter(
      (f) =>
        f.frame[3] === 'phx_reply' &&
        f.frame[2].startsWith('lv:') &&
        (f.frame[4] as { response?: { diff?: unknown } }).response?.diff,
    );
    const eventSteps = steps.filter((s) => lvPids.has(s.pid) && s.mutation!.name.startsWith('event:'));
    expect(eventSteps).toHaveLength(diffReplies.length);
    for (const s of eventSteps) {
      const q = evs.find((e) => e.mid === s.mid);
      expect(s.mutation!.name).toBe(`event:${q?.name}`);
    }
    for (const s of steps.filter((x) => lvPids.has(x.pid)))
      expect((s.mutation!.payload as { bytes: number }).bytes).toBeGreaterThan(0);
    expectHtmlMatchesDom(r);
  });
});

describe('process tree and lifecycle', () => {
  test('nested LiveViews sit under their parent; a child toggled out exits', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/nested.json');
    await driveAll(r);
    const [parent, one, two] = lvs(r.ext);
    expect(parent.name).toBe('LiveView /nested');
    expect(one).toMatchObject({ name: 'LiveView #child-one', parent: parent.pid });
    expect(two).toMatchObject({ name: 'LiveView #child-two', parent: parent.pid });
    const exits = r.ext.of('status').filter((s) => s.status === 'exited');
    expect(exits.map((s) => s.pid)).toEqual([two.pid]);
    // The leave got its reply even though phx_close came first.
    const leave = r.ext.of('queued').find((q) => q.pid === two.pid && q.name === 'leave')!;
    expect(r.ext.of('done').find((d) => d.mid === leave.mid)?.error).toBeUndefined();
  });

  test('LiveComponents are child processes whose steps follow their subtree', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/component.json');
    await driveAll(r);
    const [lv] = lvs(r.ext);
    const comps = procs(r.ext).filter((p) => p.kind === 'component');
    expect(comps.map((c) => [c.name, c.parent])).toEqual([
      ['component 1', lv.pid],
      ['component 2', lv.pid],
    ]);
    const compSteps = (pid: string) => r.ext.of('step').filter((s) => s.pid === pid && s.step > 0);
    // Component 1: two bumps and the parent's label; component 2: one bump.
    expect(compSteps(comps[0].pid)).toHaveLength(3);
    expect(compSteps(comps[1].pid)).toHaveLength(1);
    expect((r.ext.latest(comps[0].pid) as Record<string, unknown>)['1']).toBe('A (parent 1)');
  });

  test('events pushed to the client and hook replies are messages of their process', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/push.json');
    await driveAll(r, { ping: '#ping-btn' });
    const names = r.ext.of('queued').map((q) => `${q.kind}:${q.name}`);
    expect(names.filter((n) => n === 'info:highlight')).toHaveLength(2);
    expect(names.filter((n) => n === 'info:reply:ping')).toHaveLength(2);
    expect(document.getElementById('ping-reply')?.textContent).toBe('pong #2');
  });

  test('server pushes (timer diffs) are info messages, each with its step', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/timer.json');
    await until(() => r.ext.of('step').filter((s) => s.mutation?.name === 'diff').length >= 5, 'five ticks');
    await quiet();
    const diffs = r.ext.of('queued').filter((q) => q.name === 'diff');
    expect(diffs).toHaveLength(5);
    expect(diffs.every((d) => d.kind === 'info')).toBe(true);
    const steps = r.ext.of('step').filter((s) => s.mutation?.name === 'diff');
    expect(steps.map((s) => s.mid)).toEqual(diffs.map((d) => d.mid));
    expect(document.getElementById('ticks')?.textContent).toBe('5');
    expectHtmlMatchesDom(r);
  });

  test('window.liveSocket set after connect() is caught; the join buffered before the socket opened is queued early', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json', { connectFirst: true });
    expect((window as { liveSocket?: unknown }).liveSocket).toBe(r.liveSocket);
    const join = r.ext.of('queued').find((q) => q.kind === 'join')!;
    const started = r.ext.of('started').find((s) => s.mid === join.mid)!;
    // Queued when the client pushed it (socket not open yet), started when it hit the wire.
    expect(started.t).toBeGreaterThan(join.t);
    expect(r.ext.of('step').some((s) => s.mutation?.name === 'join')).toBe(true);
    await driveAll(r);
    expectHtmlMatchesDom(r);
  });

  test('attaching twice records once; detach restores the socket and ends the processes', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    const socket = r.liveSocket.getSocket() as object;
    attachLiveSocket(r.liveSocket as never, r.ext.hook)();
    await driveAll(r);
    expect(r.ext.of('queued').filter((q) => q.name === 'inc')).toHaveLength(3);
    expect(Object.hasOwn(socket, 'push')).toBe(true);
    r.detach();
    expect(Object.hasOwn(socket, 'push')).toBe(false);
    await settle();
    const [lv] = lvs(r.ext);
    expect(
      r.ext
        .of('status')
        .filter((x) => x.pid === lv.pid)
        .at(-1),
    ).toMatchObject({
      status: 'exited',
      reason: 'Hindsight detached',
    });
    const before = r.ext.of('queued').length;
    (document.querySelector('#inc') as HTMLElement).click();
    // (The transcript server answers a click past its end like the recording's first inc.)
    await until(() => document.getElementById('count')?.textContent === '1', 'the page to keep working');
    await settle();
    expect(r.ext.of('queued')).toHaveLength(before);
  });

  test('an upload channel is a child of the LiveView that asked; its binary chunks carry their size', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    type Ch = { topic: string; join(): unknown; push(e: string, p: unknown): unknown };
    const socket = r.liveSocket.getSocket() as { channels: Ch[]; channel(t: string, p: unknown): Ch };
    const topic = r.frames[0].frame[2];
    // What the client does for a file input: ask the view, then join the upload's channel
    // and push the file in binary chunks.
    socket.channels
      .find((c) => c.topic === topic)!
      .push('allow_upload', { ref: 'phx-up', entries: [{ name: 'a.txt', size: 6, ref: '0' }] });
    const up = socket.channel('lvu:0', { token: 'T' });
    up.join();
    const ws = r.log.sockets[0];
    await until(() => r.log.sent.some((x) => String(x).includes('"lvu:0"')), 'the upload join');
    const join = JSON.parse(r.log.sent.find((x) => String(x).includes('"lvu:0"')) as string) as Frame;
    ws.serverSend([join[0], join[1], 'lvu:0', 'phx_reply', { status: 'ok', response: {} }]);
    await quiet();
    up.push('chunk', new Uint8Array([1, 2, 3, 4, 5, 6]).buffer);
    await until(() => r.log.sent.some((x) => x instanceof ArrayBuffer), 'the binary chunk');
    // Serializer 2.0.0 binary push: kind, then the lengths of join_ref, ref, topic, event.
    const bin = new Uint8Array(r.log.sent.find((x) => x instanceof ArrayBuffer) as ArrayBuffer);
    const text = (from: number, n: number) => new TextDecoder().decode(bin.slice(from, from + n));
    const ref = text(5 + bin[1], bin[2]);
    expect(bin.length - (5 + bin[1] + bin[2] + bin[3] + bin[4])).toBe(6);
    ws.serverSend([join[0], ref, 'lvu:0', 'phx_reply', { status: 'ok', response: {} }]);
    await quiet();

    const [lv] = lvs(r.ext);
    const upload = procs(r.ext).find((p) => p.name === 'upload 0');
    expect(upload).toMatchObject({ parent: lv.pid });
    const asked = r.ext.of('queued').find((q) => q.pid === lv.pid && q.name === 'allow_upload');
    expect(asked).toBeDefined();
    const chunk = r.ext.of('queued').find((q) => q.pid === upload!.pid && q.name === 'chunk')!;
    expect(chunk.payload).toEqual({ binary: true, bytes: 6 });
    expect(r.ext.of('done').find((d) => d.mid === chunk.mid)).toBeDefined();
    const joined = r.ext.of('queued').find((q) => q.pid === upload!.pid && q.name === 'join')!;
    expect(r.ext.of('done').find((d) => d.mid === joined.mid)).toBeDefined();
  });

  test('heartbeats are hidden by default', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    (r.liveSocket.getSocket() as { sendHeartbeat(): void }).sendHeartbeat();
    await quiet();
    expect(procs(r.ext).map((p) => p.name)).not.toContain('socket');
    expect(r.ext.of('queued').some((q) => q.name === 'heartbeat')).toBe(false);
  });

  test('with { heartbeats: true } they are calls of a socket process, answered', async () => {
    const ext = new FakeExtension();
    ext.open();
    const log = { sent: [] as unknown[], sockets: [] as FakeWS[] };
    const frames = connection(loadTranscript('phoenix-lv-1.0.17/counter.json'), 1);
    mountPage(frames[0].frame);
    const player = new TranscriptPlayer(frames, 0);
    const ls = new LiveSocket10('/live', Socket, {
      transport: fakeWebSocket(player, log),
    }) as Running['liveSocket'];
    attachLiveSocket(ls as never, ext.hook, { heartbeats: true });
    ls.connect();
    running = { ext, liveSocket: ls, player, frames, rootId: '', log, detach: () => {} };
    await until(() => player.matched >= 1, 'join');
    (ls.getSocket() as { sendHeartbeat(): void }).sendHeartbeat();
    await quiet();
    const sock = procs(ext).find((p) => p.name === 'socket')!;
    const hb = ext.of('queued').find((q) => q.pid === sock.pid && q.name === 'heartbeat')!;
    expect(hb.kind).toBe('call');
    expect(ext.of('done').some((d) => d.mid === hb.mid)).toBe(true);
  });

  test('crash (phx_error) keeps the process inspectable; the rejoin runs it again', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    const ws = r.log.sockets[0];
    const topic = r.frames[0].frame[2];
    const joinRef = (JSON.parse(r.log.sent[0] as string) as Frame)[0];
    ws.serverSend([joinRef, joinRef, topic, 'phx_error', {}]);
    await quiet();
    const [lv] = lvs(r.ext);
    const statuses = () => r.ext.of('status').filter((s) => s.pid === lv.pid);
    expect(statuses().some((s) => s.status === 'crashed')).toBe(true);
    // The channel rejoins by itself (after a backoff); answer it like the recorded join.
    await until(() => r.log.sent.filter((s) => String(s).includes('phx_join')).length >= 2, 'rejoin', 5000);
    const rejoin = JSON.parse(r.log.sent.filter((s) => String(s).includes('phx_join'))[1] as string) as Frame;
    const reply = r.frames[1].frame;
    ws.serverSend([rejoin[0], rejoin[1], topic, 'phx_reply', reply[4]]);
    await quiet();
    expect(statuses().at(-1)).toMatchObject({ status: 'running', reason: 'rejoined' });
    expect(r.ext.of('step').some((s) => s.pid === lv.pid && s.mutation?.name === 'rejoin')).toBe(true);
    expect(lvs(r.ext)).toHaveLength(1);
  });
});

describe('frames the adapter cannot read never reach the app', () => {
  test('malformed frames, unknown events, binary frames and a 10 MB diff: the page keeps working, notices counted', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    const ws = r.log.sockets[0];
    const topic = r.frames[0].frame[2];
    const errors: unknown[] = [];
    const onErr = (e: ErrorEvent) => errors.push(e.error);
    window.addEventListener('error', onErr);
    try {
      ws.serverSend([null, null, topic, 'diff', 'not an object']);
      ws.serverSend([null, null, topic, 'surprise', { x: 1 }]);
      ws.serverSend([null, null, topic, 'diff', { e: [[7, {}]] }]);
      ws.serverSend([null, '999', topic, 'phx_reply', { status: 'ok', response: {} }]);
      // A binary push (the serializer's binary "push" kind).
      ws.onmessage?.({ data: binaryPush(topic, 'bin', new Uint8Array(1024)) });
      // A 10 MB diff for the counter's only dynamic.
      ws.serverSend([null, null, topic, 'diff', { 0: 'x'.repeat(10 * 1024 * 1024) }]);
      await sleep(1200);
      await settle();
    } finally {
      window.removeEventListener('error', onErr);
    }
    expect(document.getElementById('count')?.textContent?.length).toBe(10 * 1024 * 1024);
    const notice = r.ext
      .of('notice')
      .map((n) => n.text)
      .join('\n');
    expect(notice).toMatch(/malformed diff/);
    expect(notice).toMatch(/unknown event surprise/);
    expect(notice).toMatch(/binary frame/);
    expect(notice).toMatch(/malformed pushed event/);
    const big = r.ext.of('step').at(-1)!;
    expect((big.mutation!.payload as { bytes: number }).bytes).toBeGreaterThan(10 * 1024 * 1024);
    // The page still works afterwards.
    await driveAll(r);
    expect(document.getElementById('count')?.textContent).toBe('2');
  });
});

/** phoenix.js's binary "push" frame: kind 0, sizes, join_ref?, topic, event, payload. */
function binaryPush(topic: string, event: string, payload: Uint8Array): ArrayBuffer {
  const enc = new TextEncoder();
  const t = enc.encode(topic);
  const e = enc.encode(event);
  const out = new Uint8Array(4 + t.length + e.length + payload.length);
  out.set([0, 0, t.length, e.length], 0);
  out.set(t, 4);
  out.set(e, 4 + t.length);
  out.set(payload, 4 + t.length + e.length);
  return out.buffer;
}

describe('server-reported state (hindsight:report through push_event)', () => {
  /** A diff push carrying `reports`; notices are flushed once a second, so wait if asked. */
  async function withReports(reports: unknown[], waitForNotices = false) {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    const ws = r.log.sockets[0];
    const topic = r.frames[0].frame[2];
    ws.serverSend([null, null, topic, 'diff', { e: reports.map((p) => [REPORT_EVENT, p]) }]);
    await quiet();
    if (waitForNotices) await sleep(1100);
    await settle();
    return { r, pid: lvs(r.ext)[0].pid };
  }

  test('assigns snapshots become the state, with per-key sizes in stats', async () => {
    const { r, pid } = await withReports([
      { v: 1, kind: 'assigns', assigns: { count: 0, items: ['a'] }, sizes: { items: 250_000 } },
    ]);
    const s = r.ext.latest(pid) as { assigns: unknown };
    expect(s.assigns).toEqual({ count: 0, items: ['a'] });
    const last = r.ext
      .of('step')
      .filter((x) => x.pid === pid)
      .at(-1)!;
    expect(last.stats.keys?.['assigns.items']).toBe(250_000);
    expect(last.stats.keys?.['assigns.count']).toBe(1);
  });

  test('assigns deltas change and remove keys', async () => {
    const { r, pid } = await withReports([
      { v: 1, kind: 'assigns', assigns: { a: 1, b: 2 } },
      { v: 1, kind: 'assigns_delta', changed: { a: 5, c: [1] }, removed: ['b'] },
    ]);
    expect((r.ext.latest(pid) as { assigns: unknown }).assigns).toEqual({ a: 5, c: [1] });
  });

  test('a mutation report is a step with its name, before the diff step', async () => {
    const { r, pid } = await withReports([
      { v: 1, kind: 'mutation', name: 'add_item', payload: { id: 3 }, changed: { n: 3 } },
    ]);
    const names = r.ext
      .of('step')
      .filter((s) => s.pid === pid)
      .map((s) => s.mutation?.name);
    expect(names.slice(-2)).toEqual(['add_item', 'diff']);
    expect((r.ext.latest(pid) as { assigns: unknown }).assigns).toEqual({ n: 3 });
  });

  test('the server mailbox: queued messages with their age, handled when gone from the next report', async () => {
    const { r, pid } = await withReports([
      {
        v: 1,
        kind: 'mailbox',
        length: 3,
        messages: [
          { name: 'tick', age_ms: 120 },
          { name: 'tick', age_ms: 20 },
          { name: 'refresh', id: 'm7', message_kind: 'info' },
        ],
      },
    ]);
    const queued = () =>
      r.ext.of('queued').filter((q) => q.pid === pid && q.kind === 'info' && q.name !== 'diff');
    expect(queued().map((q) => q.name)).toEqual(['tick', 'tick', 'refresh']);
    expect(queued()[1].t - queued()[0].t).toBeGreaterThan(90);
    expect(
      r.ext
        .of('status')
        .filter((s) => s.pid === pid)
        .at(-1)?.reason,
    ).toBe('server mailbox: 3 queued');
    // Next report: one tick left, refresh handled.
    const ws = r.log.sockets[0];
    const topic = r.frames[0].frame[2];
    ws.serverSend([
      null,
      null,
      topic,
      'diff',
      { e: [[REPORT_EVENT, { v: 1, kind: 'mailbox', length: 1, messages: [{ name: 'tick' }] }]] },
    ]);
    await quiet();
    const doneMids = new Set(r.ext.of('done').map((d) => d.mid));
    const [t1, t2, refresh] = queued();
    expect([doneMids.has(t1.mid), doneMids.has(t2.mid), doneMids.has(refresh.mid)]).toEqual([
      true,
      false,
      true,
    ]);
  });

  test('a handler report is a message whose times come from its duration', async () => {
    const { r, pid } = await withReports([
      {
        v: 1,
        kind: 'handler',
        name: 'handle_info :tick',
        message_kind: 'info',
        duration_ms: 250,
        queued_ms: 40,
      },
    ]);
    const q = r.ext.of('queued').find((x) => x.pid === pid && x.name === 'handle_info :tick')!;
    const s = r.ext.of('started').find((x) => x.mid === q.mid)!;
    const d = r.ext.of('done').find((x) => x.mid === q.mid)!;
    expect(Math.round(d.t - s.t)).toBe(250);
    expect(Math.round(s.t - q.t)).toBe(40);
  });

  test('malformed reports are counted, not applied', async () => {
    const { r, pid } = await withReports(
      [
        { v: 2, kind: 'assigns', assigns: {} },
        { v: 1, kind: 'assigns', assigns: 'nope' },
        { v: 1, kind: 'teleport' },
        null,
      ],
      true,
    );
    expect((r.ext.latest(pid) as { assigns?: unknown }).assigns).toBeUndefined();
    expect(
      r.ext
        .of('notice')
        .map((n) => n.text)
        .join(),
    ).toMatch(/4× malformed hindsight:report/);
  });
});

describe('replay', () => {
  test('re-sends recorded user events through the view; the DOM follows the replies', async () => {
    const r = await start('1.0', 'phoenix-lv-1.0.17/counter.json');
    await driveAll(r);
    expect(document.getElementById('count')?.textContent).toBe('2');
    const pid = lvs(r.ext)[0].pid;
    // The server side for the replay: answer each event with the next count.
    const ws = r.log.sockets[0];
    let n = 2;
    ws.send = (data: unknown) => {
      const [jr, ref, topic, event] = JSON.parse(String(data)) as Frame;
      if (event === 'event')
        ws.play([
          {
            frame: [jr, ref, topic, 'phx_reply', { status: 'ok', response: { diff: { 0: String(++n) } } }],
            delay: 0,
          },
        ]);
    };
    const inc = r.ext
      .of('queued')
      .filter((q) => q.pid === pid && q.name === 'inc')
      .slice(0, 2);
    r.ext.send({
      type: 'replay',
      pid,
      state: null,
      messages: inc.map((q) => ({ name: q.name, kind: q.kind, payload: q.payload })),
      intervalMs: 0,
    });
    await until(() => r.ext.of('replay').some((e) => e.state === 'done'), 'replay done');
    await quiet();
    expect(document.getElementById('count')?.textContent).toBe('4');
    const replayed = r.ext.of('queued').filter((q) => q.replay);
    expect(replayed.map((q) => q.name)).toEqual(['inc', 'inc']);
    const doneErr = r.ext.of('done').filter((d) => replayed.some((q) => q.mid === d.mid));
    expect(doneErr.every((d) => d.error === undefined)).toBe(true);
  });
});

describe('without the extension', () => {
  // The client edits decoded diffs in place (takes out e/r/t, resolves shared component
  // statics and templates), so held frames must be read again from their text.
  test.each([
    ['1.0', 'counter'],
    ['1.0', 'component'],
    ['1.0', 'list'],
    ['1.2', 'component'],
    ['1.2', 'push'],
  ] as const)(
    'client %s, %s: nothing recorded until the extension connects, then the state is rebuilt from the held frames',
    async (client, scenario) => {
      const ext = new FakeExtension();
      const t = loadTranscript(`phoenix-lv-1.0.17/${scenario}.json`);
      const frames = connection(t, 1);
      const player = new TranscriptPlayer(frames, 0);
      const log = { sent: [] as unknown[], sockets: [] as FakeWS[] };
      setPageUrl(t.path);
      const rootId = mountPage(frames[0].frame);
      const ls = new LIVE_SOCKETS[client]('/live', Socket, {
        transport: fakeWebSocket(player, log),
        hooks,
      }) as Running['liveSocket'];
      ls.disableDebug?.();
      const detach = attachLiveSocket(ls as never, ext.hook as Hook);
      ls.connect();
      running = { ext, liveSocket: ls, player, frames, rootId, log, detach };
      await until(() => !!document.getElementById(rootId)?.childElementCount, 'join');
      await driveAll(running, { ping: '#ping-btn' });
      if (scenario === 'counter') {
        // A title: the client deletes `t` from the decoded diff it applies.
        log.sockets[0].serverSend([null, null, frames[0].frame[2], 'diff', { t: 'Held title', 0: '7' }]);
        await until(() => document.title === 'Held title', 'the title');
      }
      expect(ext.batches).toBe(0);
      ext.open();
      await settle();
      expectHtmlMatchesDom(running);
      if (scenario === 'counter') expect(stateOf(ext, lvs(ext)[0].pid)?.title).toBe('Held title');
    },
  );
});
