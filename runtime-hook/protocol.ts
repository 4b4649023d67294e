/**
 * Hindsight wire protocol — the one typed, versioned contract between the in-page hook
 * and the extension (content script, background, panel). The extension imports this file;
 * this file imports nothing.
 *
 * Transport, end to end:
 *   page hook --window.postMessage--> content script --runtime Port--> background --Port--> panel
 * and commands back the same way. The background is a stateless router (an MV3 service
 * worker can be stopped at any time), so reliability lives at the two ends:
 *   - every HookEvent carries a per-session sequence number `seq` (1, 2, 3, …);
 *   - the panel acks the highest contiguous seq it holds, drops duplicates, and on a gap
 *     or a (re)connect sends `sync { since }`;
 *   - the hook keeps a history ring of encoded events bounded by a memory budget, sends at
 *     most SEND_WINDOW batches past the last ack (backpressure: with no panel, nothing
 *     piles up in flight), and resends from ack+1 when acks stall (go-back-N).
 * Batches travel as one JSON string (`body`), encoded once in the page: relays can check
 * size cheaply and never walk the value, and the panel parses it once.
 */

export const PROTOCOL_VERSION = 1;
/** Tag on every window message from the page hook. */
export const PAGE_SOURCE = 'hindsight-page';
/** Tag on every window message from the content script to the page hook. */
export const EXT_SOURCE = 'hindsight-ext';

/** Mutation names of the step a process records when a `toggle` command skips / un-skips a message. */
export const SKIP_MUTATION = '@@SKIP';
export const UNSKIP_MUTATION = '@@UNSKIP';

/**
 * Store operations a process may offer (Redux DevTools' Commit / Reset / Rollback / Lock).
 * Added to protocol 1 without a version bump, because it is additive and gated both ways:
 * the panel sends `store-op` only to a process whose `caps.ops` lists the op (an older hook
 * never lists any), and an older hook's decoder rejects the unknown command (counted, below).
 */
export type StoreOp = 'commit' | 'reset' | 'rollback' | 'lock' | 'unlock';
export const STORE_OPS: readonly StoreOp[] = ['commit', 'reset', 'rollback', 'lock', 'unlock'];
/** Mutation name of the step a process records after each store op (its answer, as for toggle). */
export const STORE_OP_MUTATION = Object.fromEntries(
  STORE_OPS.map((op) => [op, `@@${op.toUpperCase()}`]),
) as Readonly<Record<StoreOp, string>>;

/** Largest batch body the relays accept (characters). Chrome's message limit is 64 MiB. */
export const MAX_BODY_CHARS = 16 * 1024 * 1024;
/** Longest error, notice or status text an event may carry (the hook cuts longer ones). */
export const MAX_TEXT_CHARS = 65536;
/**
 * Batches the hook may have in flight beyond the panel's last ack (each at most its batch
 * size, 512 K chars by default: 8 M in all): enough to keep the link busy over an ack's
 * round trip, bounded so a slow panel is not flooded.
 */
export const SEND_WINDOW = 16;
/** Resend from ack+1 when no ack progress for this long while events are in flight. */
export const RESEND_AFTER_MS = 1000;

// ---------------------------------------------------------------------------------------
// Serialized values (see serialize.ts). JSON-compatible; special values are marker objects
// `{ $hs: tag, … }`. A user key matching /^\$+hs$/ is escaped by one extra leading '$'.
// ---------------------------------------------------------------------------------------
export type Serialized = null | boolean | number | string | Serialized[] | { [key: string]: Serialized };

/** jsondiffpatch delta format (with old values kept, so deltas reverse). */
export type Delta = Serialized;

export type ProcessKind = 'store' | 'liveview' | 'component' | 'actor' | 'custom';
export type ProcessStatus = 'running' | 'idle' | 'crashed' | 'exited';
export type MessageKind = 'action' | 'event' | 'info' | 'params' | 'join' | 'call' | 'custom';

/** What time travel a process supports; the panel says so plainly. */
export interface Capabilities {
  /** The app's state can be set back to a recorded step. */
  jump: boolean;
  /** Recorded messages can be re-dispatched into the app. */
  replay: boolean;
  /** A past state can be previewed without touching the app (LiveView). */
  preview?: boolean;
  /** A recorded message can be skipped and the later states recomputed (Redux-style stores). */
  toggle?: boolean;
  /** Store operations the process carries out (`store-op`); absent = none. */
  ops?: StoreOp[];
}

/** Cheap facts about a snapshot, computed while serializing, used for the panel's flags. */
export interface StateStats {
  /** Serialized size of the whole state (characters of JSON), counting long strings whole. */
  size: number;
  /** Serialized size of each top-level key, likewise (only the largest 50 are sent). */
  keys?: Record<string, number>;
  /** The longest array found, by its path. */
  longestList?: { path: string; length: number };
  /** How many values were truncated / redacted. */
  truncated?: number;
  /**
   * Set when a process that captures incrementally (only what changed) had to walk the whole
   * state for this step instead: why (e.g. written outside a mutation, a size limit).
   */
  walk?: string;
}

interface EventBase {
  /** Per-session sequence number, from 1, contiguous. */
  seq: number;
  /** Wall-clock ms (Date.now()-based, sub-ms from performance.now()). */
  t: number;
}

export interface ProcessEvent extends EventBase {
  type: 'process';
  pid: string;
  name: string;
  kind: ProcessKind;
  parent?: string;
  caps: Capabilities;
}

export interface StatusEvent extends EventBase {
  type: 'status';
  pid: string;
  status: ProcessStatus;
  reason?: string;
}

/** A message entered a process's mailbox. `mid` is unique in the session. */
export interface QueuedEvent extends EventBase {
  type: 'queued';
  pid: string;
  mid: number;
  name: string;
  kind: MessageKind;
  payload?: Serialized;
  /** The message this one was sent from, if any (an action dispatched by an action). */
  from?: number;
  /** True when this message was produced by a Hindsight replay. */
  replay?: boolean;
}

export interface StartedEvent extends EventBase {
  type: 'started';
  mid: number;
}

export interface DoneEvent extends EventBase {
  type: 'done';
  mid: number;
  /** Error message when the handler threw / rejected. */
  error?: string;
}

/**
 * A new state of a process: a recorded step. Step 0 is the initial state.
 * Exactly one of `full` and `delta`: `delta` is relative to the previous step of the same
 * process (step - 1) as the panel holds it.
 */
export interface StepEvent extends EventBase {
  type: 'step';
  pid: string;
  step: number;
  /** The message during which this step happened. */
  mid?: number;
  /** The mutation (commit, reducer step) that made it. */
  mutation?: { name: string; payload?: Serialized };
  full?: Serialized;
  delta?: Delta;
  stats: StateStats;
}

/** The app now shows `step` of `pid` (after a jump), or the present (`step: null`). */
export interface TravelEvent extends EventBase {
  type: 'travel';
  pid: string;
  step: number | null;
}

/** Replay progress for a process. */
export interface ReplayEvent extends EventBase {
  type: 'replay';
  pid: string;
  state: 'running' | 'done' | 'failed' | 'stopped';
  index: number;
  total: number;
  error?: string;
}

export interface NoticeEvent extends EventBase {
  type: 'notice';
  level: 'info' | 'warn' | 'error';
  text: string;
  /** Events (or messages) dropped, counted. */
  dropped?: number;
}

/** Recording paused / resumed in the page. */
export interface RecordingEvent extends EventBase {
  type: 'recording';
  on: boolean;
}

/**
 * Sent in answer to a `sync` whose `since` is older than the page's history ring: the
 * events in between were evicted. Carries every known process and, per process, the full
 * state at the oldest step still in the ring's reach, so the delta chain continues.
 */
export interface RebaseEvent extends EventBase {
  type: 'rebase';
  dropped: number;
  processes: Omit<ProcessEvent, 'seq' | 't' | 'type'>[];
  bases: { pid: string; step: number; full: Serialized; stats: StateStats }[];
}

export type HookEvent =
  | ProcessEvent
  | StatusEvent
  | QueuedEvent
  | StartedEvent
  | DoneEvent
  | StepEvent
  | TravelEvent
  | ReplayEvent
  | NoticeEvent
  | RecordingEvent
  | RebaseEvent;

export type HookEventType = HookEvent['type'];

// ---------------------------------------------------------------------------------------
// Window envelopes
// ---------------------------------------------------------------------------------------

/** Page → content script. */
export type PageEnvelope =
  | {
      source: typeof PAGE_SOURCE;
      v: number;
      kind: 'hello';
      session: string;
      hook: string;
      url: string;
      startedAt: number;
    }
  | {
      source: typeof PAGE_SOURCE;
      v: number;
      kind: 'batch';
      session: string;
      /** seq of the first event in body; events in body are first, first+1, … */
      first: number;
      count: number;
      /** JSON text of HookEvent[] */
      body: string;
    };

/** Content script → page. */
export type ExtEnvelope =
  | { source: typeof EXT_SOURCE; v: number; kind: 'connect' }
  | { source: typeof EXT_SOURCE; v: number; kind: 'command'; session: string; cmd: Command };

/** A message from the panel to the page (through background and content script). */
export type Command =
  /** Send everything after `since` (a panel (re)connected or saw a gap). */
  | { type: 'sync'; since: number }
  /** The panel holds every event up to and including `seq`. */
  | { type: 'ack'; seq: number }
  /** Set the process's state to recorded step `step`, whose state is `state`. */
  | { type: 'jump'; pid: string; step: number; state: Serialized }
  /** Return the process to the present (its newest state). */
  | { type: 'present'; pid: string }
  /**
   * Set the state to `state` (the state before the first message), then re-dispatch the
   * messages one after another, `intervalMs` apart.
   */
  | {
      type: 'replay';
      pid: string;
      state: Serialized;
      messages: { name: string; kind: MessageKind; payload?: Serialized }[];
      intervalMs: number;
    }
  | { type: 'replay-stop'; pid: string }
  /**
   * Skip recorded message `mid` (or un-skip it) and recompute the later states. The process
   * answers with a step whose mutation is SKIP_MUTATION / UNSKIP_MUTATION, payload `{ mid }`.
   */
  | { type: 'toggle'; pid: string; mid: number }
  /**
   * A store operation, as Redux DevTools offers them: `commit` makes the present state the
   * baseline (history before it is dropped), `reset` returns to the initial state, `rollback`
   * to the last committed one, `lock` / `unlock` ignore / accept the app's own actions. The
   * process answers with a step whose mutation is STORE_OP_MUTATION[op].
   */
  | { type: 'store-op'; pid: string; op: StoreOp }
  | { type: 'pause' }
  | { type: 'resume' };

// ---------------------------------------------------------------------------------------
// Ports between content script / panel and background (extension-internal, same version)
// ---------------------------------------------------------------------------------------

/** Port name prefixes. Panel ports are `hindsight-panel:<tabId>`. */
export const CONTENT_PORT = 'hindsight-content';
export const PANEL_PORT_PREFIX = 'hindsight-panel:';

/** Background → panel. */
export type ToPanel =
  | { kind: 'hello'; session: string; hook: string; url: string; startedAt: number }
  | { kind: 'batch'; session: string; first: number; count: number; body: string }
  /** Something was dropped before reaching the panel (bad shape, oversize). */
  | { kind: 'dropped'; where: 'content' | 'background'; reason: string; count: number }
  /** The page's content script went away (navigation, tab closed). */
  | { kind: 'page-gone' };

/** Panel → background. */
export type FromPanel = { kind: 'command'; session: string; cmd: Command };

/**
 * Content script → background: the same shapes the panel receives (the background only
 * validates, stamps nothing, and forwards to the panel of the sender's own tab).
 */
export type FromContent = Exclude<ToPanel, { kind: 'page-gone' }>;

/**
 * Background → content script. `panel` tells it a panel (dis)connected for its tab, so it
 * re-announces the cached `hello` (the panel learns the session even when opened late).
 */
export type ToContent =
  | { kind: 'panel'; connected: boolean }
  | { kind: 'command'; session: string; cmd: Command };

// ---------------------------------------------------------------------------------------
// Decoders: everything that crosses a boundary is untrusted data until it passes these.
// They never throw; they return null for anything malformed.
// ---------------------------------------------------------------------------------------

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const isStr = (x: unknown, max = 1024): x is string => typeof x === 'string' && x.length <= max;
const isNat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Validate a window message from the page. `maxBody` bounds the batch text. */
export function decodePageEnvelope(data: unknown, maxBody = MAX_BODY_CHARS): PageEnvelope | null {
  if (!isObj(data) || data.source !== PAGE_SOURCE || data.v !== PROTOCOL_VERSION) return null;
  if (!isStr(data.session, 64)) return null;
  if (data.kind === 'hello') {
    if (!isStr(data.hook, 64) || !isStr(data.url, 8192) || !isNum(data.startedAt)) return null;
    return {
      source: PAGE_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'hello',
      session: data.session,
      hook: data.hook,
      url: data.url,
      startedAt: data.startedAt,
    };
  }
  if (data.kind === 'batch') {
    if (!isNat(data.first) || data.first < 1 || !isNat(data.count) || data.count < 1) return null;
    if (!isStr(data.body, maxBody)) return null;
    return {
      source: PAGE_SOURCE,
      v: PROTOCOL_VERSION,
      kind: 'batch',
      session: data.session,
      first: data.first,
      count: data.count,
      body: data.body,
    };
  }
  return null;
}

/** Validate a window message from the content script (used by the hook). */
export function decodeExtEnvelope(data: unknown): ExtEnvelope | null {
  if (!isObj(data) || data.source !== EXT_SOURCE || data.v !== PROTOCOL_VERSION) return null;
  if (data.kind === 'connect') return { source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'connect' };
  if (data.kind === 'command' && isStr(data.session, 64)) {
    const cmd = decodeCommand(data.cmd);
    if (cmd) return { source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'command', session: data.session, cmd };
  }
  return null;
}

const MESSAGE_KINDS: readonly MessageKind[] = ['action', 'event', 'info', 'params', 'join', 'call', 'custom'];

export function decodeCommand(c: unknown): Command | null {
  if (!isObj(c)) return null;
  switch (c.type) {
    case 'sync':
      return isNat(c.since) ? { type: 'sync', since: c.since } : null;
    case 'ack':
      return isNat(c.seq) ? { type: 'ack', seq: c.seq } : null;
    case 'jump':
      return isStr(c.pid) && isNat(c.step) && 'state' in c
        ? { type: 'jump', pid: c.pid, step: c.step, state: c.state as Serialized }
        : null;
    case 'present':
      return isStr(c.pid) ? { type: 'present', pid: c.pid } : null;
    case 'replay': {
      if (!isStr(c.pid) || !isNum(c.intervalMs) || c.intervalMs < 0 || !Array.isArray(c.messages))
        return null;
      const messages: { name: string; kind: MessageKind; payload?: Serialized }[] = [];
      for (const m of c.messages) {
        if (!isObj(m) || !isStr(m.name) || !MESSAGE_KINDS.includes(m.kind as MessageKind)) return null;
        messages.push({ name: m.name, kind: m.kind as MessageKind, payload: m.payload as Serialized });
      }
      return { type: 'replay', pid: c.pid, state: c.state as Serialized, messages, intervalMs: c.intervalMs };
    }
    case 'replay-stop':
      return isStr(c.pid) ? { type: 'replay-stop', pid: c.pid } : null;
    case 'toggle':
      return isStr(c.pid) && isNat(c.mid) ? { type: 'toggle', pid: c.pid, mid: c.mid } : null;
    case 'store-op':
      return isStr(c.pid) && STORE_OPS.includes(c.op as StoreOp)
        ? { type: 'store-op', pid: c.pid, op: c.op as StoreOp }
        : null;
    case 'pause':
      return { type: 'pause' };
    case 'resume':
      return { type: 'resume' };
    default:
      return null;
  }
}

const PROCESS_KINDS: readonly ProcessKind[] = ['store', 'liveview', 'component', 'actor', 'custom'];
const STATUSES: readonly ProcessStatus[] = ['running', 'idle', 'crashed', 'exited'];

function decodeStats(s: unknown): StateStats | null {
  if (!isObj(s) || !isNat(s.size)) return null;
  const out: StateStats = { size: s.size };
  if (isObj(s.keys)) {
    const keys: Record<string, number> = Object.create(null);
    for (const [k, v] of Object.entries(s.keys)) if (isNat(v)) keys[k] = v;
    out.keys = keys;
  }
  if (isObj(s.longestList) && isStr(s.longestList.path, 4096) && isNat(s.longestList.length)) {
    out.longestList = { path: s.longestList.path, length: s.longestList.length };
  }
  if (isNat(s.truncated)) out.truncated = s.truncated;
  if (isStr(s.walk, 200)) out.walk = s.walk;
  return out;
}

function decodeProcessFields(e: Record<string, unknown>): Omit<ProcessEvent, 'seq' | 't' | 'type'> | null {
  if (!isStr(e.pid) || !isStr(e.name, 4096) || !PROCESS_KINDS.includes(e.kind as ProcessKind)) return null;
  if (e.parent !== undefined && !isStr(e.parent)) return null;
  if (!isObj(e.caps) || typeof e.caps.jump !== 'boolean' || typeof e.caps.replay !== 'boolean') return null;
  const caps: Capabilities = { jump: e.caps.jump, replay: e.caps.replay };
  if (typeof e.caps.preview === 'boolean') caps.preview = e.caps.preview;
  if (typeof e.caps.toggle === 'boolean') caps.toggle = e.caps.toggle;
  // Ops this panel does not know are left out, so it never offers them.
  if (Array.isArray(e.caps.ops))
    caps.ops = STORE_OPS.filter((op) => (e.caps as { ops: unknown[] }).ops.includes(op));
  const p: Omit<ProcessEvent, 'seq' | 't' | 'type'> = {
    pid: e.pid,
    name: e.name,
    kind: e.kind as ProcessKind,
    caps,
  };
  if (e.parent !== undefined) p.parent = e.parent as string;
  return p;
}

/**
 * Validate one event from a parsed batch body. Unknown fields are dropped; values typed
 * `Serialized` are passed through as data (the panel only ever renders them as text).
 */
export function decodeEvent(e: unknown): HookEvent | null {
  if (!isObj(e) || !isNat(e.seq) || e.seq < 1 || !isNum(e.t)) return null;
  const { seq, t } = e;
  switch (e.type) {
    case 'process': {
      const p = decodeProcessFields(e);
      return p ? { type: 'process', seq, t, ...p } : null;
    }
    case 'status':
      if (!isStr(e.pid) || !STATUSES.includes(e.status as ProcessStatus)) return null;
      return {
        type: 'status',
        seq,
        t,
        pid: e.pid,
        status: e.status as ProcessStatus,
        ...(isStr(e.reason, MAX_TEXT_CHARS) ? { reason: e.reason } : {}),
      };
    case 'queued': {
      if (!isStr(e.pid) || !isNat(e.mid) || !isStr(e.name, 4096)) return null;
      if (!MESSAGE_KINDS.includes(e.kind as MessageKind)) return null;
      const q: QueuedEvent = {
        type: 'queued',
        seq,
        t,
        pid: e.pid,
        mid: e.mid,
        name: e.name,
        kind: e.kind as MessageKind,
      };
      if ('payload' in e) q.payload = e.payload as Serialized;
      if (isNat(e.from)) q.from = e.from;
      if (e.replay === true) q.replay = true;
      return q;
    }
    case 'started':
      return isNat(e.mid) ? { type: 'started', seq, t, mid: e.mid } : null;
    case 'done':
      if (!isNat(e.mid)) return null;
      return {
        type: 'done',
        seq,
        t,
        mid: e.mid,
        ...(isStr(e.error, MAX_TEXT_CHARS) ? { error: e.error } : {}),
      };
    case 'step': {
      if (!isStr(e.pid) || !isNat(e.step)) return null;
      const hasFull = 'full' in e;
      const hasDelta = 'delta' in e;
      if (hasFull === hasDelta) return null;
      const stats = decodeStats(e.stats);
      if (!stats) return null;
      const s: StepEvent = { type: 'step', seq, t, pid: e.pid, step: e.step, stats };
      if (isNat(e.mid)) s.mid = e.mid;
      if (isObj(e.mutation) && isStr(e.mutation.name, 4096)) {
        s.mutation = { name: e.mutation.name };
        if ('payload' in e.mutation) s.mutation.payload = e.mutation.payload as Serialized;
      }
      if (hasFull) s.full = e.full as Serialized;
      else s.delta = e.delta as Delta;
      return s;
    }
    case 'travel':
      if (!isStr(e.pid) || !(e.step === null || isNat(e.step))) return null;
      return { type: 'travel', seq, t, pid: e.pid, step: e.step as number | null };
    case 'replay':
      if (!isStr(e.pid) || !isNat(e.index) || !isNat(e.total)) return null;
      if (!['running', 'done', 'failed', 'stopped'].includes(e.state as string)) return null;
      return {
        type: 'replay',
        seq,
        t,
        pid: e.pid,
        state: e.state as ReplayEvent['state'],
        index: e.index,
        total: e.total,
        ...(isStr(e.error, MAX_TEXT_CHARS) ? { error: e.error } : {}),
      };
    case 'notice':
      if (!['info', 'warn', 'error'].includes(e.level as string) || !isStr(e.text, MAX_TEXT_CHARS))
        return null;
      return {
        type: 'notice',
        seq,
        t,
        level: e.level as NoticeEvent['level'],
        text: e.text,
        ...(isNat(e.dropped) ? { dropped: e.dropped } : {}),
      };
    case 'recording':
      return typeof e.on === 'boolean' ? { type: 'recording', seq, t, on: e.on } : null;
    case 'rebase': {
      if (!isNat(e.dropped) || !Array.isArray(e.processes) || !Array.isArray(e.bases)) return null;
      const processes: RebaseEvent['processes'] = [];
      for (const p of e.processes) {
        const d = isObj(p) ? decodeProcessFields(p) : null;
        if (!d) return null;
        processes.push(d);
      }
      const bases: RebaseEvent['bases'] = [];
      for (const b of e.bases) {
        if (!isObj(b) || !isStr(b.pid) || !isNat(b.step) || !('full' in b)) return null;
        const stats = decodeStats(b.stats);
        if (!stats) return null;
        bases.push({ pid: b.pid, step: b.step, full: b.full as Serialized, stats });
      }
      return { type: 'rebase', seq, t, dropped: e.dropped, processes, bases };
    }
    default:
      return null;
  }
}

/** Parse a batch body into events; malformed entries are counted, never thrown. */
export function decodeBatchBody(body: string): { events: HookEvent[]; bad: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { events: [], bad: 1 };
  }
  if (!Array.isArray(parsed)) return { events: [], bad: 1 };
  const events: HookEvent[] = [];
  let bad = 0;
  for (const raw of parsed) {
    const ev = decodeEvent(raw);
    if (ev) events.push(ev);
    else bad++;
  }
  return { events, bad };
}

/** Validate a Port message from the background (used by the panel). */
export function decodeToPanel(m: unknown, maxBody = MAX_BODY_CHARS): ToPanel | null {
  if (!isObj(m)) return null;
  switch (m.kind) {
    case 'hello':
      return isStr(m.session, 64) && isStr(m.hook, 64) && isStr(m.url, 8192) && isNum(m.startedAt)
        ? { kind: 'hello', session: m.session, hook: m.hook, url: m.url, startedAt: m.startedAt }
        : null;
    case 'batch':
      return isStr(m.session, 64) &&
        isNat(m.first) &&
        m.first >= 1 &&
        isNat(m.count) &&
        isStr(m.body, maxBody)
        ? { kind: 'batch', session: m.session, first: m.first, count: m.count, body: m.body }
        : null;
    case 'dropped':
      return (m.where === 'content' || m.where === 'background') && isStr(m.reason) && isNat(m.count)
        ? { kind: 'dropped', where: m.where, reason: m.reason, count: m.count }
        : null;
    case 'page-gone':
      return { kind: 'page-gone' };
    default:
      return null;
  }
}

export function decodeToContent(m: unknown): ToContent | null {
  if (!isObj(m)) return null;
  if (m.kind === 'panel' && typeof m.connected === 'boolean')
    return { kind: 'panel', connected: m.connected };
  if (m.kind === 'command' && isStr(m.session, 64)) {
    const cmd = decodeCommand(m.cmd);
    if (cmd) return { kind: 'command', session: m.session, cmd };
  }
  return null;
}

export function decodeFromPanel(m: unknown): FromPanel | null {
  if (!isObj(m) || m.kind !== 'command' || !isStr(m.session, 64)) return null;
  const cmd = decodeCommand(m.cmd);
  return cmd ? { kind: 'command', session: m.session, cmd } : null;
}
