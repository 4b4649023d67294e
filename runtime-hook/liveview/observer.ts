/**
 * The observer behind attachLiveSocket (see adapters/liveview.ts for what it wraps and
 * why): channels as processes, outbound messages as mailbox entries finished by their
 * replies, inbound diffs merged into a rendered tree per LiveView, and replay.
 */
import { sizedImmutableCapture } from '../capture';
import type { Hook, MessageHandle, ProcessHandle } from '../hook';
import type { MessageKind } from '../protocol';
import { RenderedTree } from './rendered';
import { replayEvent, type Waiter } from './replay';
import { REPORT_EVENT, ServerState } from './server-report';
import {
  binSize,
  estimate,
  frameSize,
  isBinary,
  isObj,
  joinSummary,
  kindOf,
  type LiveSocketLike,
  type LiveViewAdapterOptions,
  now,
  type Obj,
  type PhxChannel,
  type PhxMessage,
  type PhxSocketLike,
} from './wire';

/** One outbound message waiting for its reply (keyed by ref). */
interface Pending {
  rec?: Rec;
  msg: MessageHandle;
  event: string;
  /** Event name for `event` pushes (`inc`), else the channel event. */
  name: string;
  payload: unknown;
  /** What the panel shows as its payload, its kind, and when it was pushed / sent. */
  shown: unknown;
  kind: MessageKind;
  pushedAt: number;
  sentAt?: number;
  replay?: Waiter;
  /** Pushed before we attached and still in the socket's send buffer. */
  startOnOpen?: boolean;
}

/** A channel we show as a process: a LiveView, an upload channel, or the socket itself. */
interface Rec {
  topic: string;
  /** Element id of a LiveView (topic `lv:<id>`). */
  id: string;
  type: 'lv' | 'upload' | 'socket';
  proc: ProcessHandle;
  tree?: RenderedTree;
  joins: number;
  /** Join replies and diffs not merged yet: recording never started, so none was needed. */
  backlog?: Held[];
  /** Why the tree is unknown (attached after the join, or a merge failed). */
  unknown?: string;
  components: Map<string, { proc: ProcessHandle; last: unknown }>;
  destroyed: Set<string>;
  server?: ServerState;
  replayWaiter?: Waiter;
  exited?: boolean;
  /** The client pushed phx_leave: the next join of this topic is another LiveView. */
  leaving?: boolean;
}

/**
 * When what the wrappers saw is read: DRAIN_MS after the first of it, and while frames keep
 * coming, at most once per DRAIN_GAP_MS. Reading one frame at a time, cold, between the
 * client's own work, costs several times what reading a few frames together does; and what
 * one read records goes to the panel as one batch (each batch is a trip through the content
 * script, the background and the panel, whatever its size), so a busy page sends about ten
 * a second instead of one per frame. More than MAX_QUEUED jobs (timers are throttled in a
 * background tab) are read at once.
 */
const DRAIN_MS = 16;
const DRAIN_GAP_MS = 100;
const MAX_QUEUED = 2000;

/** Backlogged tree operations kept per LiveView before the extension ever connected. */
const MAX_BACKLOG = 500;

/** A held tree operation: a value from the adapter's own parse of the frame (never the client's). */
interface Held {
  kind: 'reset' | 'merge';
  value: unknown;
}

/** What decides a new LiveView's parent and name: its join, as things were when it was pushed. */
interface JoinContext {
  payload?: unknown;
  handling?: string;
  /** The container's data-phx-parent-id (null: none; undefined: not looked up yet). */
  parentId?: string | null;
}

/**
 * What the socket wrappers saw, in wire order, for the adapter to read after the client is
 * done with it (see `drain`): pushes (with the encoded text when the push went out at
 * once), encodes of pushes that waited in the send buffer, inbound frames, open and close.
 * `at` is when it happened; every record the job makes carries that time.
 */
type Job =
  | {
      k: 'out';
      data: PhxMessage;
      at: number;
      /** The frame as encoded inside the push (the socket was open). */
      text?: unknown;
      sent?: boolean;
      /** For a join: what decides its parent, as it was when the client pushed it. */
      handling?: string;
      parentId?: string | null;
    }
  | { k: 'enc'; data: unknown; at: number }
  | { k: 'in'; raw?: unknown; msg?: unknown; at: number }
  | { k: 'open' | 'close'; at: number };

export class LiveViewObserver {
  private socket: PhxSocketLike;
  private recs = new Map<string, Rec>();
  private pending = new Map<string, Pending>();
  /** Outbound message objects not on the wire yet (started by `encode`). */
  private unsent = new WeakMap<object, Pending>();
  private restore: (() => void)[] = [];
  private notes = new Map<string, number>();
  private noteTimer?: ReturnType<typeof setTimeout>;
  /** The LiveView that last asked to upload: upload channels are shown under it. */
  private lastUploader?: Rec;
  private detached = false;
  /** Our encode wrapper is in place, so `encode` marks messages started. */
  private encodeWrapped = false;
  /** Topic of the inbound frame the client is handling right now. */
  private handling?: string;
  /** Jobs not read yet, and the timer that reads them. */
  private jobs: Job[] = [];
  private timer?: ReturnType<typeof setTimeout>;
  /** When the queue was last read (Date.now()). */
  private lastDrain = 0;
  /** The push being made right now (its encode happens inside it when the socket is open). */
  private pushing?: Extract<Job, { k: 'out' }>;

  constructor(
    private liveSocket: LiveSocketLike,
    private hook: Hook,
    private opts: LiveViewAdapterOptions,
  ) {
    this.socket = liveSocket.getSocket();
    this.install();
  }

  // --- installing and removing ---------------------------------------------------------

  /**
   * The wrappers only take note (a time, the message object or the frame's text) and queue
   * it; everything else happens in `drain`, after the client handled the frame and made its
   * next push, so the adapter adds next to nothing to a round trip. Frames are immutable
   * text, so reading them later sees exactly what the server sent, whatever the client did
   * to its own decoded copy (it takes `e`, `r`, `t` out of a diff and resolves templates and
   * shared component statics in place).
   */
  private install(): void {
    const s = this.socket;
    const push = s.push;
    const ownPush = Object.hasOwn(s, 'push');
    // Own properties shadow the prototype's methods on this one instance only.
    s.push = (data: PhxMessage, ...rest: unknown[]) => {
      const job: Job = { k: 'out', data, at: now() };
      this.guard('outbound', () => this.joinContext(job));
      this.pushing = job;
      try {
        return push.call(s, data, ...rest);
      } finally {
        // Queued once the push is done: by then it knows whether it went on the wire.
        this.pushing = undefined;
        this.enqueue(job);
      }
    };
    this.restore.push(() => {
      if (ownPush) s.push = push;
      else delete (s as Partial<PhxSocketLike>).push;
    });
    // `encode` runs when a message really goes on the wire: inside its push when the socket
    // is open, later (from the send buffer) when it was not.
    this.encodeWrapped = this.wrapCodec('encode', (value, out) => {
      const p = this.pushing;
      if (p && p.data === value) {
        p.text = out;
        p.sent = true;
      } else this.enqueue({ k: 'enc', data: value, at: now() });
    });
    const early = this.wrapCodec(
      'decode',
      // The text is read again later; a binary frame's decoded message is kept (its payload
      // is a buffer the client does not edit).
      (raw, msg) => this.enqueue({ k: 'in', raw, msg: typeof raw === 'string' ? undefined : msg, at: now() }),
      (msg) => {
        // While the client handles a view's frame, the joins it pushes are its children's.
        this.handling = isObj(msg) && typeof msg.topic === 'string' ? msg.topic : undefined;
      },
    );
    const refs: string[] = [];
    // Without our decode wrapper (a custom decoder on the prototype): after the channels.
    if (!early) refs.push(s.onMessage((m) => this.enqueue({ k: 'in', msg: m, at: now() })));
    if (s.onOpen) refs.push(s.onOpen(() => this.enqueue({ k: 'open', at: now() })));
    if (s.onClose) refs.push(s.onClose(() => this.enqueue({ k: 'close', at: now() })));
    this.restore.push(() => s.off?.(refs));
    // Channels joined or joining before we attached (the generated app.js calls connect()
    // before it sets window.liveSocket, so the first join is already in the send buffer).
    for (const ch of s.channels ?? []) this.guard('channels', () => this.adopt(ch));
  }

  /** A join's parent depends on the page as it is when the client pushes the join. */
  private joinContext(job: Extract<Job, { k: 'out' }>): void {
    const { data } = job;
    if (!isObj(data) || data.event !== 'phx_join' || typeof data.topic !== 'string') return;
    if (!/^lv:./.test(data.topic)) return;
    job.handling = this.handling;
    // A nested LiveView's container names its parent (data-phx-parent-id).
    job.parentId =
      typeof document !== 'undefined'
        ? (document.getElementById(data.topic.slice(3))?.getAttribute('data-phx-parent-id') ?? null)
        : null;
  }

  private enqueue(job: Job): void {
    if (this.detached) return;
    if (this.jobs.push(job) > MAX_QUEUED) {
      this.drain();
      return;
    }
    this.timer ??= setTimeout(
      () => this.drain(),
      Math.max(DRAIN_MS, this.lastDrain + DRAIN_GAP_MS - Date.now()),
    );
  }

  /**
   * Read everything queued, in order. Runs in a task of its own soon after the wrappers
   * queued it, and synchronously where order matters (detach, replay).
   */
  private drain(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastDrain = Date.now();
    const jobs = this.jobs;
    this.jobs = [];
    for (const job of jobs) this.guard(job.k, () => this.run(job));
  }

  private run(job: Job): void {
    switch (job.k) {
      case 'out':
        this.outbound(job);
        return;
      case 'enc':
        this.onEncoded(job.data, job.at);
        return;
      case 'in':
        this.inboundJob(job);
        return;
      case 'open':
        this.onOpen(job.at);
        return;
      case 'close':
        this.onClose(job.at);
    }
  }

  /** `encode(msg, cb)` / `decode(raw, cb)`: see the input and the result, then pass it on. */
  private wrapCodec(
    key: 'encode' | 'decode',
    see: (input: unknown, output: unknown) => void,
    around?: (output: unknown) => void,
  ): boolean {
    const s = this.socket;
    const orig = s[key];
    if (typeof orig !== 'function' || !Object.hasOwn(s, key)) return false;
    s[key] = (value: unknown, cb: (out: unknown) => unknown) =>
      orig.call(s, value, (out: unknown) => {
        try {
          see(value, out);
        } catch {
          // Never in the app's way.
        }
        if (!around) return cb(out);
        around(out);
        try {
          return cb(out);
        } finally {
          around(undefined);
        }
      });
    this.restore.push(() => {
      s[key] = orig;
    });
    return true;
  }

  detach(): void {
    if (this.detached) return;
    // What was queued still belongs to the recording.
    this.drain();
    this.detached = true;
    for (const r of this.restore.splice(0).reverse()) {
      try {
        r();
      } catch {
        // The socket may be gone.
      }
    }
    for (const rec of this.recs.values()) rec.proc.exit('Hindsight detached');
    this.recs.clear();
    this.pending.clear();
    this.flushNotes();
  }

  // --- guards and notices --------------------------------------------------------------

  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.note(`error in ${where}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Count something the adapter skipped; reported as one notice per second at most. */
  private note(what: string): void {
    this.notes.set(what, (this.notes.get(what) ?? 0) + 1);
    if (this.noteTimer === undefined) this.noteTimer = setTimeout(() => this.flushNotes(), 1000);
  }

  private flushNotes(): void {
    clearTimeout(this.noteTimer);
    this.noteTimer = undefined;
    if (!this.notes.size) return;
    const text = [...this.notes].map(([w, n]) => `${n}× ${w}`).join('; ');
    this.notes.clear();
    try {
      this.hook.notice(`LiveView: ${text}`, 'warn');
    } catch {
      // An older hook without notices.
    }
  }

  // --- processes -----------------------------------------------------------------------

  private recFor(topic: string, join?: JoinContext): Rec | undefined {
    const have = this.recs.get(topic);
    if (have) return have;
    if (/^lv:./.test(topic)) return this.newLiveView(topic, join);
    if (topic.startsWith('lvu:')) return this.newRec(topic, 'upload', `upload ${topic.slice(4)}`, 'custom');
    if (topic === 'phoenix' && this.opts.heartbeats) return this.newRec(topic, 'socket', 'socket', 'custom');
    return undefined;
  }

  private newRec(
    topic: string,
    type: Rec['type'],
    name: string,
    kind: 'custom' | 'liveview',
    parent?: Rec,
  ): Rec {
    if (type === 'upload') parent ??= this.lastUploader;
    const rec: Rec = {
      topic,
      id: topic.slice(topic.indexOf(':') + 1),
      type,
      joins: 0,
      components: new Map(),
      destroyed: new Set(),
      tree: type === 'lv' ? new RenderedTree() : undefined,
      proc: undefined as unknown as ProcessHandle,
    };
    rec.proc = this.hook.process({
      name,
      kind,
      parent: parent?.proc,
      ...(type === 'lv'
        ? {
            getState: () => this.stateOf(rec),
            // The merged tree is copy-on-write (rendered.ts), as are the assigns: past a few KB a
            // step compares references down the changed path instead of walking the page.
            capture: sizedImmutableCapture(),
            preview: true,
            keySizes: () => rec.server?.keySizes(),
            replay: (m) => this.replay(rec, m),
          }
        : {}),
    });
    this.recs.set(topic, rec);
    return rec;
  }

  private newLiveView(topic: string, join: JoinContext = {}): Rec {
    const id = topic.slice(3);
    const joinPayload = join.payload;
    // A nested LiveView's container names its parent (data-phx-parent-id), as the page was
    // when the join was pushed.
    let parentId = join.parentId;
    if (parentId === undefined) {
      try {
        parentId =
          typeof document !== 'undefined'
            ? (document.getElementById(id)?.getAttribute('data-phx-parent-id') ?? null)
            : null;
      } catch {
        parentId = null;
      }
    }
    let parent = parentId ? this.recs.get(`lv:${parentId}`) : undefined;
    // 1.0+ joins children from the new HTML before it is in the document: a join without a
    // URL pushed while the client handles another view's frame is that view's child.
    const isRoot =
      isObj(joinPayload) && (joinPayload.url !== undefined || joinPayload.redirect !== undefined);
    if (!parent && !isRoot && join.handling?.startsWith('lv:')) parent = this.recs.get(join.handling);
    let name = `LiveView #${id}`;
    const url = isObj(joinPayload) ? (joinPayload.url ?? joinPayload.redirect) : undefined;
    if (!parent && typeof url === 'string') {
      try {
        name = `LiveView ${new URL(url).pathname}`;
      } catch {
        // keep the id
      }
    }
    return this.newRec(topic, 'lv', name, 'liveview', parent);
  }

  /** A channel that existed before we attached. */
  private adopt(ch: PhxChannel): void {
    if (typeof ch?.topic !== 'string' || !/^lv:./.test(ch.topic)) return;
    if (ch.state !== 'joining' && ch.state !== 'joined') return;
    const jp = ch.joinPush;
    const payload = typeof jp?.payload === 'function' ? (jp.payload as () => unknown)() : jp?.payload;
    const rec = this.recFor(ch.topic, { payload, handling: this.handling });
    if (!rec) return;
    rec.joins = 1;
    if (ch.state === 'joining' && jp?.ref) {
      // Its join is out (or buffered): its reply still comes through onMessage.
      const shown = joinSummary(payload);
      const msg = rec.proc.queue('join', shown, 'join');
      const connected = this.socket.isConnected?.() === true;
      const p: Pending = {
        rec,
        msg,
        event: 'phx_join',
        name: 'join',
        payload,
        shown,
        kind: 'join',
        pushedAt: now(),
        startOnOpen: !connected,
      };
      if (connected) this.started(p, p.pushedAt);
      this.pending.set(String(jp.ref), p);
      rec.proc.status('idle', 'joining');
    } else if (ch.state === 'joined') {
      rec.unknown = 'attached after the join: the rendered tree is rebuilt from the next join';
    }
  }

  /** What the state tree shows for a LiveView. Structural sharing keeps snapshots cheap. */
  private stateOf(rec: Rec): unknown {
    this.flushBacklog(rec);
    const t = rec.tree!;
    const state: Obj = { rendered: t.tree, streams: t.streams, title: t.title };
    if (rec.destroyed.size && isObj(t.tree) && isObj(t.tree.c)) {
      const c = { ...t.tree.c };
      for (const cid of rec.destroyed) delete c[cid];
      state.rendered = { ...t.tree, c };
    }
    if (rec.server?.assigns) state.assigns = rec.server.assigns;
    if (rec.unknown) state.unknown = rec.unknown;
    return state;
  }

  /** True once the extension has connected (recording may be paused since). */
  private get connected(): boolean {
    return this.hook.active || this.hook.lastSeq > 0;
  }

  private treeOp(rec: Rec, kind: 'reset' | 'merge', value: unknown): void {
    if (!this.connected) {
      // Nobody has looked yet: keep the values (our own parse), merge them if the extension
      // connects.
      if (kind === 'reset') rec.backlog = [];
      if (!rec.backlog) rec.backlog = [];
      rec.backlog.push({ kind, value });
      if (rec.backlog.length > MAX_BACKLOG) {
        rec.backlog = undefined;
        rec.unknown = 'too many diffs before recording started: rebuilt from the next join';
      }
      return;
    }
    this.flushBacklog(rec);
    this.applyOp(rec, kind, value);
  }

  private flushBacklog(rec: Rec): void {
    const ops = rec.backlog;
    if (!ops) return;
    rec.backlog = undefined;
    for (const op of ops) this.applyOp(rec, op.kind, op.value);
  }

  private applyOp(rec: Rec, kind: 'reset' | 'merge', value: unknown): void {
    if (kind === 'reset') {
      rec.tree!.reset(value);
      rec.unknown = undefined;
      rec.destroyed.clear();
    } else if (!rec.unknown) rec.tree!.merge(value);
  }

  /** Record the LiveView's new state, and its components' where their subtree changed. */
  private step(rec: Rec, name: string, bytes: number, at: number, during?: MessageHandle): void {
    if (!this.hook.active) return;
    rec.proc.step({ name, payload: { bytes } }, this.stateOf(rec), during, at);
    const tree = rec.tree?.tree;
    const c = isObj(tree) && isObj(tree.c) ? tree.c : {};
    for (const cid of Object.keys(c)) {
      if (rec.destroyed.has(cid)) continue;
      const have = rec.components.get(cid);
      if (!have) {
        const proc = this.hook.process({
          name: `component ${cid}`,
          kind: 'component',
          parent: rec.proc,
          capture: sizedImmutableCapture(),
          getState: () => {
            const t = rec.tree?.tree;
            return isObj(t) && isObj(t.c) ? t.c[cid] : undefined;
          },
        });
        rec.components.set(cid, { proc, last: c[cid] });
      } else if (have.last !== c[cid]) {
        have.last = c[cid];
        have.proc.step({ name }, c[cid], during, at);
      }
    }
  }

  private dropComponents(rec: Rec, cids: unknown, reason: string): void {
    for (const cid of Array.isArray(cids) ? cids : []) {
      const k = String(cid);
      rec.destroyed.add(k);
      rec.components.get(k)?.proc.exit(reason);
      rec.components.delete(k);
    }
  }

  /** The channel is gone; a later join of the same topic is a new process. */
  private exit(rec: Rec, reason: string, at?: number): void {
    if (rec.exited) return;
    rec.exited = true;
    for (const c of rec.components.values()) c.proc.exit(reason);
    rec.components.clear();
    rec.proc.exit(reason);
    // A leave still gets its reply (phx_close comes first); everything else never will.
    this.failPending(rec, reason, at, 'phx_leave');
    if (this.recs.get(rec.topic) === rec) this.recs.delete(rec.topic);
  }

  private failPending(rec: Rec, reason: string, at?: number, except?: string): void {
    for (const [ref, p] of this.pending) {
      if (p.rec !== rec || p.event === except) continue;
      this.pending.delete(ref);
      p.msg.done(reason, at);
      p.replay?.reject(new Error(reason));
    }
  }

  // --- outbound ------------------------------------------------------------------------

  private outbound(job: Extract<Job, { k: 'out' }>): void {
    const data = job.data;
    if (!isObj(data) || typeof data.topic !== 'string' || typeof data.event !== 'string') return;
    const { topic, event } = data;
    // What went on the wire, when it went at once (the client's object may have changed since).
    const sent = typeof job.text === 'string' ? parseFrame(job.text) : undefined;
    const payload = sent ? sent.payload : data.payload;
    const { at } = job;
    const old = this.recs.get(topic);
    // Live navigation leaves and joins the same topic again: a new LiveView, a new process.
    if (old && event === 'phx_join' && old.joins > 0 && (old.leaving || (isObj(payload) && payload.redirect)))
      this.exit(old, 'navigated away', at);
    const rec = this.recFor(
      topic,
      event === 'phx_join' ? { payload, handling: job.handling, parentId: job.parentId } : undefined,
    );
    if (!rec) return;
    if (event === 'phx_leave') rec.leaving = true;
    if (event === 'phx_join') {
      rec.joins++;
      rec.proc.status('idle', rec.joins > 1 ? 'rejoining' : 'joining');
    }
    if (event === 'allow_upload') this.lastUploader = rec;
    let name = event;
    let shown: unknown = payload;
    if (event === 'event' && isObj(payload)) name = String(payload.event);
    else if (event === 'phx_join') {
      name = 'join';
      shown = joinSummary(payload);
    } else if (event === 'phx_leave') name = 'leave';
    if (isBinary(payload)) shown = { binary: true, bytes: binSize(payload) };
    const kind = kindOf(event, topic);
    const msg = rec.proc.queue(name, shown, kind, undefined, at);
    const p: Pending = { rec, msg, event, name, payload, shown, kind, pushedAt: at };
    if (rec.replayWaiter && event === 'event') {
      p.replay = rec.replayWaiter;
      rec.replayWaiter = undefined;
    }
    if (data.ref != null) this.pending.set(String(data.ref), p);
    // Started when encoded (on the wire); without our encode wrapper, when the socket is open.
    if (job.sent) this.started(p, at);
    else if (this.encodeWrapped) this.unsent.set(data, p);
    else if (this.socket.isConnected?.() !== false) this.started(p, at);
    if (data.ref == null) msg.done(undefined, at);
  }

  private started(p: Pending, at: number): void {
    p.sentAt ??= at;
    p.msg.start(p.sentAt);
  }

  /**
   * A message pushed before the extension connected (the generated app.js joins before the
   * hook has heard from it) is recorded when it completes, with the times it really had.
   */
  private materialize(p: Pending): MessageHandle {
    if (p.msg.mid !== 0 || !this.hook.active || !p.rec) return p.msg;
    p.msg = p.rec.proc.queue(p.name, p.shown, p.kind, undefined, p.pushedAt);
    if (p.sentAt !== undefined) p.msg.start(p.sentAt);
    return p.msg;
  }

  private onEncoded(value: unknown, at: number): void {
    if (!isObj(value)) return;
    const p = this.unsent.get(value);
    if (!p) return;
    this.unsent.delete(value);
    this.started(p, at);
  }

  private onOpen(at: number): void {
    // Buffered pushes go out now (those we saw pushed are started by `encode`).
    for (const p of this.pending.values()) if (p.startOnOpen || !this.encodeWrapped) this.started(p, at);
  }

  private onClose(at: number): void {
    for (const rec of this.recs.values()) {
      if (rec.type === 'lv') rec.proc.status('idle', 'disconnected');
      this.failPending(rec, 'connection closed', at);
    }
  }

  // --- inbound -------------------------------------------------------------------------

  /** An inbound frame: our own parse of its text, or the decoded message (binary, fallback). */
  private inboundJob(job: Extract<Job, { k: 'in' }>): void {
    if (typeof job.raw === 'string') {
      const m = parseFrame(job.raw);
      if (m) this.inbound(m, job.at, job.raw.length);
      else this.note('malformed inbound message');
      return;
    }
    const m = job.msg;
    if (!isObj(m) || typeof m.topic !== 'string' || typeof m.event !== 'string') {
      this.note('malformed inbound message');
      return;
    }
    this.inbound(
      m as unknown as PhxMessage,
      job.at,
      job.raw === undefined ? estimate(m as never) : frameSize(job.raw),
    );
  }

  private inbound(m: PhxMessage, at: number, bytes: number): void {
    // Only channels seen joining are shown: inbound frames never create a process.
    const rec = this.recs.get(m.topic);
    if (isBinary(m.payload) || (isObj(m.payload) && isBinary(m.payload.response)))
      this.note('binary frame (not parsed)');
    if (m.event === 'phx_reply') {
      this.reply(m, rec, bytes, at);
      return;
    }
    if (!rec) return;
    const payload = m.payload;
    switch (m.event) {
      case 'diff': {
        const msg = this.info(rec, 'diff', { bytes }, at);
        if (!isObj(payload)) {
          this.note('malformed diff');
          return;
        }
        this.diff(rec, payload, 'diff', bytes, at, msg, undefined);
        return;
      }
      case 'redirect':
      case 'live_redirect':
      case 'live_patch':
        this.navigation(rec, m.event, payload, at);
        return;
      case 'phx_error':
        this.failPending(rec, 'LiveView crashed', at);
        rec.proc.status('crashed', 'phx_error: the LiveView process died; the client rejoins');
        return;
      case 'phx_close':
        this.exit(rec, 'closed', at);
        return;
      default:
        this.note(`unknown event ${String(m.event).slice(0, 40)}`);
        this.info(
          rec,
          String(m.event),
          isBinary(payload) ? { binary: true, bytes: binSize(payload) } : payload,
          at,
        );
    }
  }

  private info(rec: Rec, name: string, payload: unknown, at: number, from?: MessageHandle): MessageHandle {
    const h = rec.proc.queue(name, payload, 'info', from, at);
    h.start(at);
    h.done(undefined, at);
    return h;
  }

  private navigation(rec: Rec, how: string, to: unknown, at: number, from?: MessageHandle): void {
    this.info(rec, how, to, at, from);
    const where = isObj(to) && typeof to.to === 'string' ? to.to : '';
    if (rec.type === 'lv') rec.proc.status('running', `${how} → ${where}`);
  }

  private reply(m: PhxMessage, rec: Rec | undefined, bytes: number, at: number): void {
    const ref = m.ref == null ? undefined : String(m.ref);
    const p = ref === undefined ? undefined : this.pending.get(ref);
    if (!p) {
      if (rec && m.topic !== 'phoenix') this.note('reply without a recorded request');
      return;
    }
    this.pending.delete(ref!);
    this.materialize(p);
    const target = p.rec ?? rec;
    const body = isObj(m.payload) ? m.payload : {};
    const ok = body.status === 'ok';
    const response = body.response;
    if (!ok) {
      const why = `${String(body.status)}${isObj(response) && response.reason ? `: ${String(response.reason)}` : ''}`;
      p.msg.done(why, at);
      if (target && p.event === 'phx_join' && target.type === 'lv')
        target.proc.status('crashed', `join refused (${why})`);
      p.replay?.reject(new Error(why));
      return;
    }
    if (target?.type === 'lv') this.okReply(target, p, isObj(response) ? response : {}, bytes, at);
    else if (target && p.event === 'phx_join') target.proc.status('running');
    p.msg.done(undefined, at);
    if (target && p.event === 'phx_leave') this.exit(target, 'left', at);
    p.replay?.resolve(response);
  }

  private okReply(rec: Rec, p: Pending, response: Obj, bytes: number, at: number): void {
    if (p.event === 'phx_join') {
      const rejoin = rec.joins > 1 && !rec.unknown;
      this.treeOp(rec, 'reset', response.rendered);
      rec.proc.status('running', rejoin ? 'rejoined' : undefined);
      this.step(rec, rejoin ? 'rejoin' : 'join', bytes, at, p.msg);
      // Components that did not survive a rejoin.
      const c = rec.tree?.tree?.c;
      for (const cid of [...rec.components.keys()])
        if (!isObj(c) || !(cid in c)) this.dropComponents(rec, [cid], 'gone after rejoin');
      return;
    }
    if (isObj(response.diff)) {
      const name = p.event === 'event' ? `event:${p.name}` : p.name;
      this.diff(rec, response.diff, name, bytes, at, p.msg, p.name);
    }
    if (p.event === 'cids_destroyed' && isObj(p.payload))
      this.dropComponents(rec, p.payload.cids, 'destroyed');
    for (const how of ['redirect', 'live_redirect', 'live_patch'])
      if (response[how] !== undefined) this.navigation(rec, how, response[how], at, p.msg);
  }

  /**
   * A diff: the server's reports first (they describe what it did before rendering this
   * diff), then the merged tree as one step, then the events it pushed and a hook reply.
   */
  private diff(
    rec: Rec,
    diff: Obj,
    name: string,
    bytes: number,
    at: number,
    msg: MessageHandle | undefined,
    replyTo: string | undefined,
  ): void {
    const events = Array.isArray(diff.e) ? diff.e : [];
    const pushed: [string, unknown][] = [];
    for (const ev of events) {
      if (!Array.isArray(ev) || typeof ev[0] !== 'string') {
        this.note('malformed pushed event');
        continue;
      }
      if (ev[0] !== REPORT_EVENT) {
        pushed.push([ev[0], ev[1]]);
        continue;
      }
      rec.server ??= new ServerState(rec.proc);
      const effect = rec.server.apply(ev[1], at, msg);
      if (!effect) this.note('malformed hindsight:report');
      else if (effect.mutation && this.hook.active)
        rec.proc.step(effect.mutation, this.stateOf(rec), msg, at);
    }
    this.treeOp(rec, 'merge', diff);
    this.step(rec, name, bytes, at, msg);
    for (const [n, payload] of pushed) this.info(rec, n, payload, at, msg);
    // A hook's reply (`{:reply, map, socket}`); a number `r` is a render's root flag instead.
    if (replyTo !== undefined && isObj(diff.r)) this.info(rec, `reply:${replyTo}`, diff.r, at, msg);
  }

  // --- replay --------------------------------------------------------------------------

  private replay(rec: Rec, m: { name: string; kind: MessageKind; payload: unknown }): unknown {
    // The replayed push must find its waiter: everything pushed before it is read first.
    this.drain();
    return replayEvent(rec, m, this.liveSocket, this.socket, this.opts.replayTimeoutMs ?? 10_000);
  }
}

/** A 2.0.0 serializer text frame `[join_ref, ref, topic, event, payload]`, or undefined. */
function parseFrame(text: string): PhxMessage | undefined {
  let a: unknown;
  try {
    a = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(a) || typeof a[2] !== 'string' || typeof a[3] !== 'string') return undefined;
  return { join_ref: a[0], ref: a[1], topic: a[2], event: a[3], payload: a[4] };
}
