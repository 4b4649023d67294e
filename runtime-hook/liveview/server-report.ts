/**
 * Server-reported state: what a LiveView server may tell Hindsight about itself, through
 * LiveView's own `push_event(socket, "hindsight:report", payload)`. The client only ever
 * sees rendered HTML; the assigns, the server mailbox and handler timings live on the
 * server, so a server that wants them in the panel pushes them. The shape is documented in
 * docs/liveview-server-protocol.md; everything here validates it and never throws.
 */
import type { MessageHandle, ProcessHandle } from '../hook';
import type { MessageKind } from '../protocol';

export const REPORT_EVENT = 'hindsight:report';
export const REPORT_VERSION = 1;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string | undefined => (typeof x === 'string' && x.length <= 1024 ? x : undefined);
const KINDS: readonly MessageKind[] = ['action', 'event', 'info', 'params', 'join', 'call', 'custom'];
const msgKind = (x: unknown, dflt: MessageKind): MessageKind =>
  KINDS.includes(x as MessageKind) ? (x as MessageKind) : dflt;

/** A queued server message as a report names it. */
interface MailboxEntry {
  name: string;
  id?: string;
  type: MessageKind;
  age: number;
  payload?: unknown;
}

/** What applying a report did that the adapter must act on. */
export interface ReportEffect {
  /** A named server-side mutation: record a step with this name. */
  mutation?: { name: string; payload?: unknown };
  /** The assigns changed (the next step shows them). */
  assigns?: boolean;
}

/**
 * The server-reported part of one LiveView process: its assigns (with per-key sizes), and
 * the server mailbox mirrored as messages of the process.
 */
export class ServerState {
  assigns: Obj | undefined;
  private sizes: Record<string, number> = {};
  /** Open server-mailbox messages: by id, and by name for reports without ids (FIFO). */
  private byId = new Map<string, MessageHandle>();
  private byName = new Map<string, MessageHandle[]>();

  constructor(private proc: ProcessHandle) {}

  /** Per-key sizes for the panel's large-key flag, as `assigns.<key>`. */
  keySizes(): Record<string, number> | undefined {
    if (!this.assigns) return undefined;
    const out: Record<string, number> = {};
    for (const k of Object.keys(this.assigns))
      out[`assigns.${k}`] = this.sizes[k] ?? measure(this.assigns[k]);
    return out;
  }

  /**
   * Apply one report. `at` is when it arrived (ms, the hook's clock); `cause` is the
   * message whose reply or diff carried it. Returns null for a malformed report.
   */
  apply(report: unknown, at: number, cause?: MessageHandle): ReportEffect | null {
    if (!isObj(report) || report.v !== REPORT_VERSION) return null;
    switch (report.kind) {
      case 'assigns':
        if (!isObj(report.assigns)) return null;
        this.assigns = { ...report.assigns };
        this.sizes = {};
        this.takeSizes(report.sizes);
        return { assigns: true };
      case 'assigns_delta':
        return this.delta(report) ? { assigns: true } : null;
      case 'mailbox':
        return this.mailbox(report, at) ? {} : null;
      case 'handler':
        return this.handler(report, at, cause) ? {} : null;
      case 'mutation': {
        const name = str(report.name);
        if (!name) return null;
        const changed = isObj(report.assigns) || isObj(report.changed) || Array.isArray(report.removed);
        if (isObj(report.assigns)) {
          this.assigns = { ...report.assigns };
          this.sizes = {};
          this.takeSizes(report.sizes);
        } else if (changed && !this.delta(report)) return null;
        return { mutation: { name, payload: report.payload }, assigns: changed };
      }
      default:
        return null;
    }
  }

  private takeSizes(sizes: unknown): void {
    if (!isObj(sizes)) return;
    for (const [k, v] of Object.entries(sizes)) {
      const n = num(v);
      if (n !== undefined && n >= 0) this.sizes[k] = n;
    }
  }

  private delta(r: Obj): boolean {
    if (r.changed !== undefined && !isObj(r.changed)) return false;
    if (r.removed !== undefined && !Array.isArray(r.removed)) return false;
    // A new object each time: the serializer's reference cache then sees what changed.
    const next: Obj = { ...(this.assigns ?? {}) };
    if (isObj(r.changed)) for (const [k, v] of Object.entries(r.changed)) next[k] = v;
    for (const k of (r.removed as unknown[] | undefined) ?? []) {
      if (typeof k !== 'string') continue;
      delete next[k];
      delete this.sizes[k];
    }
    this.assigns = next;
    this.takeSizes(r.sizes);
    return true;
  }

  /**
   * A mailbox report is the server's queue now. Entries not seen before become queued
   * messages (backdated by their age); open ones missing from it have been handled.
   */
  private mailbox(r: Obj, at: number): boolean {
    if (!Array.isArray(r.messages)) return false;
    const entries: MailboxEntry[] = [];
    for (const m of r.messages.slice(0, 1000)) {
      const name = isObj(m) ? str(m.name) : undefined;
      if (!isObj(m) || !name) continue;
      entries.push({
        name,
        id: str(m.id),
        type: msgKind(m.message_kind, 'info'),
        age: Math.max(0, num(m.age_ms) ?? 0),
        payload: m.payload,
      });
    }
    const seenIds = new Set<string>();
    const countByName = new Map<string, number>();
    for (const e of entries) {
      if (e.id !== undefined) {
        seenIds.add(e.id);
        if (!this.byId.has(e.id)) this.byId.set(e.id, this.queue(e, at));
      } else {
        const n = (countByName.get(e.name) ?? 0) + 1;
        countByName.set(e.name, n);
        const open = this.byName.get(e.name) ?? [];
        if (open.length < n) open.push(this.queue(e, at));
        this.byName.set(e.name, open);
      }
    }
    for (const [id, h] of this.byId) {
      if (seenIds.has(id)) continue;
      finish(h, at);
      this.byId.delete(id);
    }
    for (const [name, open] of this.byName) {
      const keep = countByName.get(name) ?? 0;
      // The oldest of a name are the ones handled (a process mailbox is FIFO).
      for (const h of open.splice(0, Math.max(0, open.length - keep))) finish(h, at);
      if (!open.length) this.byName.delete(name);
    }
    const length = num(r.length) ?? entries.length;
    this.proc.status('running', length > 0 ? `server mailbox: ${length} queued` : undefined);
    return true;
  }

  /** A handler ran for `duration_ms` and finished just before this report was sent. */
  private handler(r: Obj, at: number, cause?: MessageHandle): boolean {
    const name = str(r.name);
    const duration = num(r.duration_ms);
    if (!name || duration === undefined || duration < 0) return false;
    const started = at - duration;
    const queuedAt = started - Math.max(0, num(r.queued_ms) ?? 0);
    const id = str(r.id);
    const open = id !== undefined ? this.byId.get(id) : undefined;
    if (open && id !== undefined) {
      this.byId.delete(id);
      finish(open, at, started);
      return true;
    }
    const h = this.proc.queue(name, r.payload, msgKind(r.message_kind, 'info'), cause, queuedAt);
    finish(h, at, started, typeof r.error === 'string' ? r.error : undefined);
    return true;
  }

  private queue(e: MailboxEntry, at: number): MessageHandle {
    return this.proc.queue(e.name, e.payload, e.type, undefined, at - e.age);
  }
}

function finish(h: MessageHandle, at: number, started = at, error?: string): void {
  h.start(started);
  h.done(error, at);
}

/** Characters of JSON, for assigns reported without sizes. */
function measure(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return 0;
  }
}
