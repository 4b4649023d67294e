/**
 * Processes of one session: what each is, what it can do, and live counters the process
 * list and mailbox view show. Mutable rows; the session's version signal says when to look.
 */
import type {
  Capabilities,
  ProcessEvent,
  ProcessKind,
  ProcessStatus,
  ReplayEvent,
} from '../../../runtime-hook/protocol';

export interface ReplayProgress {
  state: ReplayEvent['state'];
  index: number;
  total: number;
  error?: string;
}

/** Mailbox depth over time, bounded: enough points for a sparkline, never a leak. */
export class DepthSeries {
  t: number[] = [];
  depth: number[] = [];
  constructor(readonly cap = 240) {}
  push(t: number, depth: number): void {
    this.t.push(t);
    this.depth.push(depth);
    // Trim in chunks so the cost per push stays O(1) amortized.
    if (this.t.length > this.cap * 2) {
      this.t = this.t.slice(-this.cap);
      this.depth = this.depth.slice(-this.cap);
    }
  }
  /** The newest `cap` points. */
  points(): { t: number[]; depth: number[] } {
    const n = Math.max(0, this.t.length - this.cap);
    return { t: this.t.slice(n), depth: this.depth.slice(n) };
  }
}

export interface ProcessRow {
  pid: string;
  name: string;
  kind: ProcessKind;
  parent?: string;
  caps: Capabilities;
  status: ProcessStatus;
  statusReason?: string;
  /** False for a placeholder made because an event named a pid never announced. */
  known: boolean;
  /** Messages done (including failed ones). */
  handled: number;
  failed: number;
  /** Messages started and not done. */
  running: number;
  /** Messages queued and not yet started, in queue order: the mailbox. */
  waiting: Set<number>;
  steps: number;
  lastStep: number | null;
  /** The step the app shows, from `travel` events; null = the present. */
  travel: number | null;
  replay: ReplayProgress | null;
  series: DepthSeries;
  /** The app's own actions are locked out (from the answer steps of `lock` / `unlock` ops). */
  locked?: boolean;
}

const NO_CAPS: Capabilities = { jump: false, replay: false };

export class Processes {
  readonly byPid = new Map<string, ProcessRow>();
  /** Pids in order of first appearance. */
  readonly order: string[] = [];

  get(pid: string): ProcessRow | undefined {
    return this.byPid.get(pid);
  }

  /** The row for `pid`, creating a placeholder if the page never announced it. */
  ensure(pid: string): { row: ProcessRow; created: boolean } {
    const found = this.byPid.get(pid);
    if (found) return { row: found, created: false };
    const row: ProcessRow = {
      pid,
      name: pid,
      kind: 'custom',
      caps: NO_CAPS,
      status: 'running',
      known: false,
      handled: 0,
      failed: 0,
      running: 0,
      waiting: new Set(),
      steps: 0,
      lastStep: null,
      travel: null,
      replay: null,
      series: new DepthSeries(),
    };
    this.byPid.set(pid, row);
    this.order.push(pid);
    return { row, created: true };
  }

  /** A `process` event (or a rebase's process list): (re)describe the process. */
  announce(p: Omit<ProcessEvent, 'seq' | 't' | 'type'>): ProcessRow {
    const { row } = this.ensure(p.pid);
    row.name = p.name;
    row.kind = p.kind;
    row.parent = p.parent;
    row.caps = { ...p.caps };
    row.known = true;
    return row;
  }

  list(): ProcessRow[] {
    return this.order.map((pid) => this.byPid.get(pid)!);
  }

  /** Tree order with depth; parents that are unknown or cyclic make a row a root. */
  tree(): { row: ProcessRow; depth: number }[] {
    const children = new Map<string, ProcessRow[]>();
    const roots: ProcessRow[] = [];
    for (const row of this.list()) {
      const parent =
        row.parent !== undefined && row.parent !== row.pid ? this.byPid.get(row.parent) : undefined;
      if (parent) {
        const list = children.get(parent.pid);
        if (list) list.push(row);
        else children.set(parent.pid, [row]);
      } else roots.push(row);
    }
    const out: { row: ProcessRow; depth: number }[] = [];
    const seen = new Set<string>();
    const visit = (row: ProcessRow, depth: number) => {
      if (seen.has(row.pid)) return;
      seen.add(row.pid);
      out.push({ row, depth });
      for (const c of children.get(row.pid) ?? []) visit(c, depth + 1);
    };
    for (const r of roots) visit(r, 0);
    // Rows only reachable through a parent cycle: show them flat rather than lose them.
    for (const row of this.list()) if (!seen.has(row.pid)) visit(row, 0);
    return out;
  }
}
