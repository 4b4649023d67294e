/**
 * Everything recorded for one page session (or one imported file): processes, messages,
 * timeline, state history, and the raw events in order (so export is a plain stringify).
 * `apply` takes a delivered batch; the `version` signal is bumped once per batch (or less
 * often, when the panel paces its redraws), which is what components subscribe to — never
 * once per event.
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
import { EventLog } from './event-log';
import type { FlagFact } from './flags';
import { History, type StepRecord } from './history';
import { DEFAULT_HISTORY_BUDGET } from './history-budget';
import { type MessageRow, Messages } from './messages';
import { Processes } from './processes';
import { Timeline } from './timeline';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class SessionStore {
  readonly version = signal(0);
  readonly processes = new Processes();
  readonly messages = new Messages();
  readonly timeline = new Timeline();
  readonly history = new History();
  private log = new EventLog();
  /** Bytes of estimated history to keep (history-cost.ts); the panel sets the user's. */
  private budget = DEFAULT_HISTORY_BUDGET;
  /** The last applied event's seq and time (a budget change's notice is dated there). */
  private lastSeq = 0;
  private lastT = 0;
  /** The timeline already says the budget was reached (once a session, not per release). */
  private budgetNoted = false;
  /** Facts that can fire flags (see flags.ts), append-only. */
  readonly flagFacts: FlagFact[] = [];
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
    }
    if (announce) this.version.value++;
  }

  /**
   * Every applied event, in order, as decoded (export writes these) — except those of steps
   * released for the memory budget, which one notice in their place counts.
   */
  get raw(): HookEvent[] {
    return this.log.events(this.history.released);
  }

  get historyBudget(): number {
    return this.budget;
  }

  /** Change the budget; a smaller one releases old states now (announced). */
  setBudget(bytes: number): void {
    this.budget = bytes;
    if (this.trim(this.lastSeq, this.lastT)) this.version.value++;
  }

  /**
   * Keep the history within the budget, after every step so that no batch (a whole
   * imported file is one) ever holds more. The first release of a session is noted in the
   * timeline; the running count is in Settings.
   */
  private trim(seq: number, t: number): boolean {
    const out = this.history.trim(this.budget);
    if (!out) return false;
    for (const r of out.released) this.log.release(r.logIndex, r.pid, r.step);
    for (const b of out.bases) this.log.makeFull(b.logIndex, b);
    if (!this.budgetNoted) {
      this.budgetNoted = true;
      this.notice(
        seq,
        t,
        'warn',
        `the history reached its ${size(this.budget)} memory budget: the oldest steps' states are being released (counted in Settings)`,
      );
    }
    return true;
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
    if (!m) this.odd('started for an unknown message');
    else if (m.startedAt !== undefined) this.odd('message started twice');
    else {
      m.startedAt = ev.t;
      const row = this.proc(m.pid);
      row.waiting.delete(m.mid);
      row.running++;
      row.series.push(ev.t, row.waiting.size);
      this.flagFacts.push({ on: 'started', mid: m.mid });
    }
  }

  private done(ev: DoneEvent): void {
    const m = this.messages.get(ev.mid);
    if (!m) this.odd('done for an unknown message');
    else if (m.doneAt !== undefined) this.odd('message done twice');
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
      this.flagFacts.push({ on: 'done', mid: m.mid });
    }
  }

  private notice(seq: number, t: number, level: 'info' | 'warn' | 'error', text: string, pid = ''): void {
    this.timeline.add({ seq, t, pid, kind: 'notice', name: text, level });
  }

  private queued(ev: QueuedEvent): void {
    const row = this.proc(ev.pid);
    if (this.messages.get(ev.mid)) this.odd('message id queued twice');
    row.waiting.add(ev.mid);
    const m: MessageRow = {
      mid: ev.mid,
      pid: ev.pid,
      name: ev.name,
      kind: ev.kind,
      hasPayload: 'payload' in ev,
      queuedAt: ev.t,
      steps: [],
      seq: ev.seq,
      depthAtQueue: row.waiting.size,
    };
    if (ev.payload !== undefined) m.payload = ev.payload;
    if (ev.from !== undefined) m.from = ev.from;
    if (ev.replay) m.replay = true;
    this.messages.set(m);
    row.series.push(ev.t, row.waiting.size);
    this.timeline.add({ seq: ev.seq, t: ev.t, pid: ev.pid, kind: 'message', name: ev.name, mid: ev.mid });
    this.flagFacts.push({ on: 'queued', mid: ev.mid });
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
      if (msg && msg.pid === ev.pid) msg.steps.push(ev.step);
      else if (!msg) this.odd('step for an unknown message');
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
    this.timeline.add({
      seq: ev.seq,
      t: ev.t,
      pid: ev.pid,
      kind: 'step',
      name: stepName(rec, msg),
      step: ev.step,
      ...(ev.mid !== undefined ? { mid: ev.mid } : {}),
    });
    this.flagFacts.push({ on: 'step', pid: ev.pid, step: ev.step });
    this.trim(ev.seq, ev.t);
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
      const had = this.timeline.stepEntry(b.pid, b.step);
      this.history.base(b.pid, b.step, b.full, b.stats, ev.seq, ev.t).logIndex = at;
      row.steps = this.history.count(b.pid);
      row.lastStep = b.step;
      if (!had) {
        this.timeline.add({
          seq: ev.seq,
          t: ev.t,
          pid: b.pid,
          kind: 'step',
          name: '(rebased state)',
          step: b.step,
        });
        this.flagFacts.push({ on: 'step', pid: b.pid, step: b.step });
      }
    }
    this.trim(ev.seq, ev.t);
  }
}

/** What a step is called in the timeline: its mutation, else its message, else what it is. */
export function stepName(rec: StepRecord, msg?: MessageRow): string {
  if (rec.mutation) return rec.mutation.name;
  if (msg) return msg.name;
  if (rec.step === 0) return 'initial state';
  return rec.full ? 'snapshot' : 'state change';
}
