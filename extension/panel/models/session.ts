/**
 * Everything recorded for one page session (or one imported file): processes, messages,
 * timeline, state history, and the raw events in order (so export is a plain stringify).
 * `apply` takes a delivered batch; the `version` signal is bumped once per batch (or less
 * often, when the panel paces its redraws), which is what components subscribe to — never
 * once per event.
 *
 * The whole session is bounded by one memory budget (Settings): every model keeps a
 * running estimate of what it holds (history-cost.ts, session-cost.ts), and when their sum
 * passes the budget the session lets go of its oldest part (`trim`): the oldest events,
 * their timeline entries, messages, flag facts and steps, records and states. Never a
 * process (processes are never forgotten), never a process's latest step, and never a
 * message still waiting or running; each process's oldest kept step keeps its state, so
 * every kept step can still be made. What was let go of is counted (`letGo`), shown, and
 * said in an export.
 */
import { signal } from '@preact/signals';
import type {
  DoneEvent,
  HookEvent,
  QueuedEvent,
  RebaseEvent,
  StartedEvent,
  StepEvent,
} from '../../../runtime-hook/protocol';
import { SKIP_MUTATION, STORE_OP_MUTATION, UNSKIP_MUTATION } from '../../../runtime-hook/protocol';
import { size } from '../lib/format';
import type { SessionInfo } from '../link-types';
import { type Aside, EventLog } from './event-log';
import { FlagFacts } from './flags';
import { History, type StepRecord } from './history';
import { DEFAULT_MEMORY_BUDGET } from './memory-budget';
import { type MessageRow, Messages } from './messages';
import { Processes } from './processes';
import { rowBytes, searchTextBytes } from './session-cost';
import { type Entry, Timeline } from './timeline';

/**
 * A trim lets go of this share of the budget at a time (at least TRIM_MIN bytes), so it
 * runs once per that much newly recorded, not once per event.
 */
export const TRIM_CHUNK = 0.02;
export const TRIM_MIN = 1024;

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class SessionStore {
  readonly version = signal(0);
  readonly processes = new Processes();
  readonly messages = new Messages();
  readonly timeline = new Timeline();
  readonly history = new History();
  private log = new EventLog();
  /** Estimated bytes the session may hold (see the file comment); the panel sets the user's. */
  private budget = DEFAULT_MEMORY_BUDGET;
  /** The last applied event's seq and time (a budget change's notice is dated there). */
  private lastSeq = 0;
  private lastT = 0;
  /** The timeline already says the budget was reached (once a session, not per trim). */
  private budgetNoted = false;
  /** Everything at seq ≤ this was looked at by a trim. */
  private cutSeq = Number.NEGATIVE_INFINITY;
  /**
   * Trim again only once the estimate reaches this: after a trim that could not get within
   * the budget (what it may not let go of is over it), not before another chunk came in.
   */
  private trimAt = 0;
  /** The highest mid of a message let go of. */
  private forgottenMid = Number.NEGATIVE_INFINITY;
  /** Facts that can fire flags (see flags.ts), oldest let go of with the session's front. */
  readonly flagFacts = new FlagFacts();
  /** Odd events, counted by what was odd ("started for an unknown message"). */
  readonly oddities = new Map<string, number>();
  /** Events the page itself dropped (notices with `dropped`, rebases). */
  pageDropped = 0;
  /** Recording state as the page reports it. */
  recording = true;

  constructor(
    public info: SessionInfo | null,
    /**
     * An imported file or a session the page reloaded away from: looked at, never sent
     * commands from (except replay into the app).
     */
    public viewOnly = false,
  ) {}

  /**
   * Apply a batch of events. Never throws. `announce: false` leaves the `version` bump to
   * the caller (the panel redraws a busy stream at its own pace: PanelModel's `refresh`).
   */
  apply(events: readonly HookEvent[], announce = true): void {
    for (const ev of events) {
      const at = this.log.push(ev);
      try {
        this.applyOne(ev, at);
        this.lastSeq = ev.seq;
        this.lastT = ev.t;
      } catch (e) {
        this.odd(`could not apply a ${String((ev as { type?: unknown }).type)} event: ${errText(e)}`);
      }
      // After every event, so that no batch (a whole imported file is one) ever holds more.
      const bytes = this.bytes;
      if (bytes > this.budget && bytes >= this.trimAt) this.trim();
    }
    if (announce) this.version.value++;
  }

  /** Estimated bytes the session holds, all models together: what the budget bounds. */
  get bytes(): number {
    return (
      this.history.bytes + this.timeline.bytes + this.messages.bytes + this.log.bytes + this.flagFacts.bytes
    );
  }

  get memoryBudget(): number {
    return this.budget;
  }

  /** Events let go of to stay within the budget. */
  get letGo(): number {
    return this.log.letGo;
  }

  /** Events held (what an export writes, before its processes and notice). */
  get eventCount(): number {
    return this.log.length;
  }

  /** The newest event held. */
  get lastEvent(): HookEvent | undefined {
    return this.log.last();
  }

  /**
   * The applied events, in order, as decoded: what export writes. Once the session let go
   * of its oldest part, it starts with the processes and a notice saying how much (see
   * event-log.ts). O(events) after a change; a shared array, not to be modified.
   */
  get raw(): HookEvent[] {
    return this.log.events(
      {
        hasMessage: (mid) => this.messages.get(mid) !== undefined,
        step: (pid, step) => this.history.get(pid, step),
        processes: () => this.processes.list(),
        budget: this.budget,
      },
      size,
    );
  }

  /**
   * Cache an entry's search text (filter.ts) if the budget has room for it; past the budget
   * it is made again when needed, as before it was first cached. Returns the text.
   */
  cacheSearch(e: Entry, text: string): string {
    if (this.bytes + searchTextBytes(text) <= this.budget) this.timeline.setSearch(e, text);
    return text;
  }

  /** The timeline entry of step `step` of `pid`, if both are kept. */
  stepEntry(pid: string, step: number): Entry | undefined {
    const i = this.history.get(pid, step)?.entry;
    return i === undefined ? undefined : this.timeline.at(i);
  }

  /** Change the budget; a smaller one lets go of the oldest part now (announced). */
  setBudget(bytes: number): void {
    this.budget = bytes;
    this.trimAt = 0;
    this.log.touch();
    if (this.bytes > this.budget && this.trim()) this.version.value++;
  }

  /**
   * Let go of the oldest part of the session until the estimate is a chunk under the
   * budget (so the next trim is a chunk of events away), or nothing more may go. The first
   * time in a session is noted in the timeline; the running count is in the toolbar and
   * Settings. Cost: O(events let go of + processes + events set aside) per trim.
   */
  private trim(): boolean {
    const chunk = Math.max(TRIM_MIN, this.budget * TRIM_CHUNK);
    const target = Math.max(0, this.budget - chunk);
    let any = false;
    while (this.bytes > target && this.log.frontLength > 0) {
      // The excess over what a kept event costs on average: a few rounds at most.
      const mean = this.bytes / this.log.length;
      this.dropOldest(Math.max(1, Math.ceil((this.bytes - target) / mean)));
      any = true;
    }
    this.trimAt = this.bytes > this.budget ? this.bytes + chunk : 0;
    if (any && !this.budgetNoted) {
      this.budgetNoted = true;
      this.notice(
        this.lastSeq,
        this.lastT,
        'warn',
        `the panel reached its ${size(this.budget)} memory budget: the oldest events are being let go of (counted in the toolbar)`,
      );
    }
    return any;
  }

  /** Let go of the `n` oldest events and of everything only they kept. */
  private dropOldest(n: number): void {
    const taken: Aside[] = [];
    let cut = this.cutSeq;
    for (let a = this.log.shift(); a; a = taken.length < n ? this.log.shift() : undefined) {
      taken.push(a);
      if (a.ev.seq > cut) cut = a.ev.seq;
    }
    this.cutSeq = cut;
    const { bases } = this.history.forgetThrough(cut);
    for (const b of bases) this.log.makeFull(b.logIndex, b);
    for (const a of taken) {
      if (this.needed(a)) this.log.setAside(a);
      else this.log.forgot(a.ev);
    }
    this.log.review((a) => this.needed(a));
    this.timeline.dropThrough(cut);
    this.flagFacts.dropThrough(cut);
  }

  /**
   * Whether an event from before the front is still needed (a message still waiting or
   * running, a step the history keeps); a done message whose `queued` event goes is let go of.
   */
  private needed({ ev, index }: Aside): boolean {
    switch (ev.type) {
      case 'queued': {
        const m = this.messages.get(ev.mid);
        if (!m || m.seq !== ev.seq) return false;
        if (m.doneAt === undefined) return true;
        this.messages.forget(m);
        this.forgottenMid = Math.max(this.forgottenMid, m.mid);
        return false;
      }
      case 'started': {
        const m = this.messages.get(ev.mid);
        return m !== undefined && m.doneAt === undefined;
      }
      case 'step':
        return this.history.get(ev.pid, ev.step)?.logIndex === index;
      case 'rebase':
        return ev.bases.some((b) => this.history.get(b.pid, b.step)?.logIndex === index);
      default:
        return false;
    }
  }

  /** A message id let go of (ids grow as messages are queued): late news of it is not odd. */
  private forgotten(mid: number): boolean {
    return mid <= this.forgottenMid;
  }

  odd(what: string): void {
    this.oddities.set(what, (this.oddities.get(what) ?? 0) + 1);
  }

  oddCount(): number {
    let n = 0;
    for (const v of this.oddities.values()) n += v;
    return n;
  }

  /** The process row for an event; a pid the page never announced gets a placeholder (noted once). */
  private proc(pid: string) {
    const { row, created } = this.processes.ensure(pid);
    if (created) this.odd('event for a process that was never announced');
    return row;
  }

  private applyOne(ev: HookEvent, at: number): void {
    switch (ev.type) {
      case 'process':
        this.processes.announce(ev);
        return;
      case 'status': {
        const row = this.proc(ev.pid);
        row.status = ev.status;
        row.statusReason = ev.reason;
        return;
      }
      case 'queued':
        this.queued(ev);
        return;
      case 'started':
        this.started(ev);
        return;
      case 'done':
        this.done(ev);
        return;
      case 'step':
        this.step(ev, at);
        return;
      case 'travel':
        this.proc(ev.pid).travel = ev.step;
        return;
      case 'replay': {
        const row = this.proc(ev.pid);
        row.replay = { state: ev.state, index: ev.index, total: ev.total };
        if (ev.error !== undefined) row.replay.error = ev.error;
        if (ev.state === 'failed' || ev.state === 'stopped') {
          const why = ev.error ? `: ${ev.error}` : '';
          this.notice(
            ev.seq,
            ev.t,
            ev.state === 'failed' ? 'error' : 'info',
            `replay ${ev.state}${why}`,
            ev.pid,
          );
        }
        return;
      }
      case 'notice':
        if (ev.dropped) this.pageDropped += ev.dropped;
        this.notice(ev.seq, ev.t, ev.level, ev.text);
        return;
      case 'recording':
        this.recording = ev.on;
        this.notice(ev.seq, ev.t, 'info', ev.on ? 'recording resumed' : 'recording paused');
        return;
      case 'rebase':
        this.rebase(ev, at);
        return;
      default:
        this.odd('unknown event type');
    }
  }

  private started(ev: StartedEvent): void {
    const m = this.messages.get(ev.mid);
    if (!m) {
      if (!this.forgotten(ev.mid)) this.odd('started for an unknown message');
    } else if (m.startedAt !== undefined) this.odd('message started twice');
    else {
      m.startedAt = ev.t;
      const row = this.proc(m.pid);
      row.waiting.delete(m.mid);
      row.running++;
      row.series.push(ev.t, row.waiting.size);
      this.flagFacts.push('started', m);
    }
  }

  private done(ev: DoneEvent): void {
    const m = this.messages.get(ev.mid);
    if (!m) {
      if (!this.forgotten(ev.mid)) this.odd('done for an unknown message');
    } else if (m.doneAt !== undefined) this.odd('message done twice');
    else {
      m.doneAt = ev.t;
      if (ev.error !== undefined) m.error = ev.error;
      const row = this.proc(m.pid);
      if (m.startedAt === undefined) {
        // Done without a start: it left the mailbox now.
        row.waiting.delete(m.mid);
        row.series.push(ev.t, row.waiting.size);
      } else row.running = Math.max(0, row.running - 1);
      row.handled++;
      if (m.error !== undefined) row.failed++;
      this.flagFacts.push('done', m);
    }
  }

  private notice(seq: number, t: number, level: 'info' | 'warn' | 'error', text: string, pid = ''): void {
    this.timeline.add({ seq, t, pid, kind: 'notice', name: text, level });
  }

  private queued(ev: QueuedEvent): void {
    const row = this.proc(ev.pid);
    if (this.messages.get(ev.mid)) this.odd('message id queued twice');
    row.waiting.add(ev.mid);
    // Every field from the start, in one order: one shape for every row, no later growth.
    const m: MessageRow = {
      mid: ev.mid,
      pid: ev.pid,
      name: ev.name,
      kind: ev.kind,
      payload: ev.payload,
      hasPayload: 'payload' in ev,
      queuedAt: ev.t,
      startedAt: undefined,
      doneAt: undefined,
      error: undefined,
      from: ev.from,
      replay: ev.replay ? true : undefined,
      skipped: undefined,
      steps: [],
      seq: ev.seq,
      depthAtQueue: row.waiting.size,
      bytes: 0,
    };
    this.messages.set(m, rowBytes(ev.name, ev.payload));
    row.series.push(ev.t, row.waiting.size);
    this.timeline.add({ seq: ev.seq, t: ev.t, pid: ev.pid, kind: 'message', name: ev.name, mid: ev.mid });
    this.flagFacts.push('queued', m);
  }

  private step(ev: StepEvent, at: number): void {
    const row = this.proc(ev.pid);
    const rec = this.history.add(ev);
    rec.logIndex = at;
    row.steps = this.history.count(ev.pid);
    row.lastStep = ev.step;
    let msg: MessageRow | undefined;
    if (ev.mid !== undefined) {
      msg = this.messages.get(ev.mid);
      if (msg && msg.pid === ev.pid) this.messages.addStep(msg, ev.step);
      else if (!msg && !this.forgotten(ev.mid)) this.odd('step for an unknown message');
    }
    // A toggle's answer names the message it skipped or restored.
    const m = ev.mutation;
    if (m && (m.name === SKIP_MUTATION || m.name === UNSKIP_MUTATION)) {
      const target =
        typeof m.payload === 'object' && m.payload !== null
          ? (m.payload as { mid?: unknown }).mid
          : undefined;
      const row = typeof target === 'number' ? this.messages.get(target) : undefined;
      if (row) row.skipped = m.name === SKIP_MUTATION;
    }
    if (m && (m.name === STORE_OP_MUTATION.lock || m.name === STORE_OP_MUTATION.unlock))
      row.locked = m.name === STORE_OP_MUTATION.lock;
    rec.entry = this.timeline.add({
      seq: ev.seq,
      t: ev.t,
      pid: ev.pid,
      kind: 'step',
      name: stepName(rec, msg),
      step: ev.step,
      mid: ev.mid,
    }).index;
    this.flagFacts.push('step', rec);
  }

  private rebase(ev: RebaseEvent, at: number): void {
    for (const p of ev.processes) this.processes.announce(p);
    if (ev.dropped) this.pageDropped += ev.dropped;
    this.notice(
      ev.seq,
      ev.t,
      'warn',
      `${ev.dropped} events were evicted from the page's history before they reached the panel; continuing from full states`,
    );
    for (const b of ev.bases) {
      const row = this.proc(b.pid);
      const had = this.stepEntry(b.pid, b.step);
      const rec = this.history.base(b.pid, b.step, b.full, b.stats, ev.seq, ev.t);
      rec.logIndex = at;
      row.steps = this.history.count(b.pid);
      row.lastStep = b.step;
      if (!had) {
        rec.entry = this.timeline.add({
          seq: ev.seq,
          t: ev.t,
          pid: b.pid,
          kind: 'step',
          name: '(rebased state)',
          step: b.step,
        }).index;
        this.flagFacts.push('step', rec);
      }
    }
  }
}

/** What a step is called in the timeline: its mutation, else its message, else what it is. */
export function stepName(rec: StepRecord, msg?: MessageRow): string {
  if (rec.mutation) return rec.mutation.name;
  if (msg) return msg.name;
  if (rec.step === 0) return 'initial state';
  return rec.full ? 'snapshot' : 'state change';
}
