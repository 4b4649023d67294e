/**
 * The panel's root model: the live session (fed by the link), an optional imported
 * session (view-only), link status and drop counters, filters, selection, flags, and the
 * time-travel commands. main.tsx creates one, hands `handlers` to connectLink, and
 * `attach`es the returned link; components read everything else.
 */
import { batch, computed, effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import type { Command, StoreOp } from '../../../runtime-hook/protocol';
import { size } from '../lib/format';
import type { KeyValueStore } from '../lib/storage';
import type { LinkHandlers, LinkStatus, PanelLink, SessionInfo } from '../link-types';
import { type EarlierSession, EarlierSessions } from './earlier-sessions';
import { TimelineFilter } from './filter';
import { type FlagGroup, FlagIndex } from './flags';
import { type Inspection, inspect } from './inspect';
import { MemoryBudgetModel } from './memory-budget';
import { intervalFor, planReplay } from './replay';
import { compareReplay, newestMid, type ReplayPair, type ReplayRun } from './replay-compare';
import { SessionStore } from './session';
import { ThresholdsModel } from './thresholds';
import type { Entry } from './timeline';
import { downloadText, exportFileName, exportSession, importSession } from './transfer';

export interface DropCount {
  where: string;
  reason: string;
  count: number;
}

export interface ImportedView {
  store: SessionStore;
  fileName: string;
  bad: number;
  total: number;
}

export interface Hint {
  id: number;
  level: 'info' | 'warn' | 'error';
  text: string;
}

export interface TravelState {
  pid: string;
  name: string;
  step: number;
}

/** What the viewed session holds against the panel's memory budget (estimated bytes). */
export interface MemoryUse {
  bytes: number;
  budget: number;
  /** Of which the state history's. */
  history: number;
  /** Oldest events let go of to stay within the budget. */
  letGo: number;
}

export interface PanelModelOptions {
  storage?: KeyValueStore;
  /**
   * Paces how often delivered batches are announced to what shows them: called after each
   * batch with the announcement, which it runs when it sees fit, once for any number of
   * calls (see lib/frame.ts `paced`). Without it every batch is announced at once.
   */
  refresh?: (announce: () => void) => void;
}

export class PanelModel {
  /** The session of the inspected page. Replaced (not cleared) when the page reloads. */
  readonly live = signal(new SessionStore(null));
  readonly imported = signal<ImportedView | null>(null);
  /** Sessions the page had before it reloaded, kept when "Preserve log" is on. */
  readonly earlier: EarlierSessions;
  /** The earlier session being looked at, if any. */
  readonly viewingEarlier = signal<EarlierSession | null>(null);
  /** What the panel shows: an imported file, else an earlier session, else the live one. */
  readonly view: ReadonlySignal<SessionStore> = computed(
    () => this.imported.value?.store ?? this.viewingEarlier.value?.store ?? this.live.value,
  );
  readonly linkStatus = signal<LinkStatus>('connecting');
  readonly drops = signal<readonly DropCount[]>([]);
  /** How many times the page reloaded (a new session replaced the models). */
  readonly reloads = signal(0);
  /** One user-facing message about the last action ("this process cannot jump"). */
  readonly hint = signal<Hint | null>(null);
  readonly thresholds: ThresholdsModel;
  /** The panel's memory budget for a session (Settings), applied to the live and imported ones. */
  readonly memoryBudget: MemoryBudgetModel;
  readonly memoryUse: ReadonlySignal<MemoryUse>;
  readonly filter: TimelineFilter;
  readonly selectedSeq = signal<number | null>(null);
  /** The process the mailbox and replay controls are about. */
  readonly focusPid = signal<string | null>(null);
  readonly selected: ReadonlySignal<Entry | null>;
  readonly inspection: ReadonlySignal<Inspection | null>;
  readonly flagGroups: ReadonlySignal<FlagGroup[]>;
  /** Live processes the app currently shows in the past (from `travel` events). */
  readonly travelling: ReadonlySignal<TravelState[]>;
  /** The last replay started from this panel, and how its replies compare with the recording. */
  readonly replayRun = signal<ReplayRun | null>(null);
  readonly replayReport: ReadonlySignal<ReplayPair[] | null>;
  readonly handlers: LinkHandlers;
  private link?: PanelLink;
  private flagIndex = new FlagIndex();
  private hintId = 0;

  constructor(opts: PanelModelOptions = {}) {
    this.thresholds = new ThresholdsModel(opts.storage);
    this.memoryBudget = new MemoryBudgetModel(opts.storage);
    this.earlier = new EarlierSessions(opts.storage);
    // Every session gets the user's budget: the live one (also after a reload replaced it)
    // and an opened file. `untracked`: applying it bumps the store's version, which must
    // not make this effect depend on every batch.
    effect(() => {
      const budget = this.memoryBudget.value.value;
      const stores = [this.live.value, this.imported.value?.store];
      untracked(() => {
        for (const s of stores) s?.setBudget(budget);
      });
    });
    this.memoryUse = computed(() => {
      const store = this.view.value;
      store.version.value;
      this.memoryBudget.value.value;
      return {
        bytes: store.bytes,
        budget: store.memoryBudget,
        history: store.history.bytes,
        letGo: store.letGo,
      };
    });
    this.filter = new TimelineFilter(this.view);
    this.selected = computed(() => {
      const store = this.view.value;
      store.version.value;
      const seq = this.selectedSeq.value;
      return seq === null ? null : (store.timeline.bySequence(seq) ?? null);
    });
    this.inspection = computed(() => {
      const e = this.selected.value;
      const store = this.view.value;
      store.version.value;
      return e ? inspect(store, e) : null;
    });
    this.flagGroups = computed(() => {
      const store = this.view.value;
      store.version.value;
      return this.flagIndex.update(store, this.thresholds.value.value);
    });
    this.travelling = computed(() => {
      const store = this.live.value;
      store.version.value;
      const out: TravelState[] = [];
      for (const row of store.processes.list()) {
        if (row.travel !== null) out.push({ pid: row.pid, name: row.name, step: row.travel });
      }
      return out;
    });
    this.replayReport = computed(() => {
      const run = this.replayRun.value;
      const live = this.live.value;
      live.version.value;
      return run ? compareReplay(live, run) : null;
    });
    this.handlers = {
      session: (info) => this.onSession(info),
      events: (events) => {
        const refresh = opts.refresh;
        if (!refresh) batch(() => this.live.value.apply(events));
        else {
          // The models take the batch now; what shows it is told when `refresh` says.
          this.live.value.apply(events, false);
          refresh(() => this.live.value.version.value++);
        }
      },
      dropped: (d) => this.onDropped(d),
      status: (s) => {
        this.linkStatus.value = s;
      },
    };
  }

  attach(link: PanelLink): void {
    this.link = link;
  }

  // --- link handlers ---------------------------------------------------------------------

  private onSession(info: SessionInfo): void {
    const cur = this.live.value;
    if (!cur.info) {
      cur.info = { ...info };
      cur.version.value++;
      return;
    }
    if (cur.info.session === info.session) return;
    // A different session: the page reloaded. Start over (keeping the old one, view only,
    // under Preserve log), and say so.
    batch(() => {
      this.earlier.retire(cur, this.memoryBudget.value.value, 0);
      const viewing = this.viewingEarlier.value;
      if (viewing && !this.earlier.list.value.includes(viewing)) this.viewingEarlier.value = null;
      this.live.value = new SessionStore({ ...info });
      this.reloads.value++;
      this.replayRun.value = null;
      if (!this.imported.value && !this.viewingEarlier.value) {
        this.clearSelection();
        this.filter.clearPids();
      }
    });
  }

  /** Look at an earlier session (view only), or back at the live one with null. */
  viewEarlier(n: number | null): void {
    const s = n === null ? null : (this.earlier.list.value.find((e) => e.n === n) ?? null);
    batch(() => {
      this.viewingEarlier.value = s;
      this.clearSelection();
      this.filter.clearPids();
    });
  }

  private onDropped(d: { where: string; reason: string; count: number }): void {
    if (!(d.count > 0)) return;
    const list = [...this.drops.value];
    const i = list.findIndex((x) => x.where === d.where && x.reason === d.reason);
    if (i >= 0) list[i] = { ...list[i], count: list[i].count + d.count };
    else list.push({ where: d.where, reason: d.reason, count: d.count });
    this.drops.value = list;
  }

  // --- selection ---------------------------------------------------------------------------

  select(seq: number | null): void {
    batch(() => {
      this.selectedSeq.value = seq;
      const e = seq === null ? undefined : this.view.value.timeline.bySequence(seq);
      if (e?.pid) this.focusPid.value = e.pid;
    });
  }

  clearSelection(): void {
    this.selectedSeq.value = null;
    this.focusPid.value = null;
  }

  /**
   * The timeline's main gesture: select the entry and, in a live session, move the app to
   * it — a step jumps to that step; a message jumps to the last step it caused.
   */
  activate(entry: Entry): void {
    this.select(entry.seq);
    const store = this.view.value;
    if (store.viewOnly || !entry.pid) return;
    let step: number | undefined;
    if (entry.kind === 'step') step = entry.step;
    else if (entry.kind === 'message' && entry.mid !== undefined) {
      const steps = store.messages.get(entry.mid)?.steps;
      step = steps?.length ? steps[steps.length - 1] : undefined;
    }
    if (step !== undefined) this.jump(entry.pid, step);
  }

  /** Move the selection by `delta` rows of the filtered timeline, and activate it. */
  moveSelection(delta: number): void {
    const res = this.filter.result.value;
    if (!res.length) return;
    const cur = this.selected.value;
    const pos = cur ? res.positionOf(cur.index) : -1;
    const next =
      pos < 0 ? (delta > 0 ? 0 : res.length - 1) : Math.min(res.length - 1, Math.max(0, pos + delta));
    const e = this.view.value.timeline.at(res.at(next));
    if (e) this.activate(e);
  }

  // --- commands --------------------------------------------------------------------------

  say(text: string, level: Hint['level'] = 'info'): void {
    this.hint.value = { id: ++this.hintId, level, text };
  }

  private send(cmd: Command): boolean {
    if (!this.link) {
      this.say('not connected to the page', 'warn');
      return false;
    }
    this.link.send(cmd);
    return true;
  }

  /** Set the app's process `pid` to recorded step `step`. The newest step is the present. */
  jump(pid: string, step: number): boolean {
    const store = this.live.value;
    const row = store.processes.get(pid);
    if (!row) return false;
    if (!row.caps.jump) {
      this.say(`${row.name}: this process cannot jump${row.caps.preview ? ' (preview only)' : ''}`, 'warn');
      return false;
    }
    if (step === row.lastStep) {
      if (row.travel !== null) return this.present(pid);
      return false;
    }
    const rec = store.history.get(pid, step);
    const first = store.history.firstKept(pid);
    if (rec?.released || (!rec && first && step < first.step)) {
      this.say(
        `step ${step} of ${row.name}: it was let go of to keep the panel within its ${size(store.memoryBudget)} memory budget (Settings)${first ? `; the oldest step still held is ${first.step}` : ''}`,
        'warn',
      );
      return false;
    }
    if (rec?.state === undefined) {
      this.say(`step ${step} has no state to jump to${rec?.broken ? ` (${rec.broken})` : ''}`, 'warn');
      return false;
    }
    return this.send({ type: 'jump', pid, step, state: rec.state });
  }

  present(pid: string): boolean {
    return this.send({ type: 'present', pid });
  }

  /** Skip (or un-skip) recorded message `mid`: the page recomputes the later states without it. */
  toggle(pid: string, mid: number): boolean {
    const row = this.live.value.processes.get(pid);
    if (!row) return false;
    if (!row.caps.toggle) {
      this.say(
        `${row.name}: its messages cannot be skipped (only Redux-style stores with a known reducer)`,
        'warn',
      );
      return false;
    }
    return this.send({ type: 'toggle', pid, mid });
  }

  /** Commit / reset / rollback / lock / unlock the store `pid`, if it offers that op. */
  storeOp(pid: string, op: StoreOp): boolean {
    const row = this.live.value.processes.get(pid);
    if (!row) return false;
    if (!row.caps.ops?.includes(op)) {
      this.say(`${row.name}: this process cannot ${op}`, 'warn');
      return false;
    }
    return this.send({ type: 'store-op', pid, op });
  }

  presentAll(): void {
    for (const t of this.travelling.value) this.present(t.pid);
  }

  /**
   * The live process a replay of `pid` (a process of the viewed session) goes to: the same
   * process in a live session; for an imported file, a live process with the same name.
   */
  replayTarget(pid: string): string | null {
    const view = this.view.value;
    const live = this.live.value;
    if (!view.viewOnly) return live.processes.get(pid)?.caps.replay ? pid : null;
    const name = view.processes.get(pid)?.name;
    if (name === undefined) return null;
    return live.processes.list().find((r) => r.name === name && r.caps.replay)?.pid ?? null;
  }

  replay(pid: string, from: number, to: number, speed: string): boolean {
    const target = this.replayTarget(pid);
    if (target === null) {
      this.say(
        this.view.value.viewOnly
          ? 'no live process with this name can replay'
          : 'this process cannot replay recorded messages',
        'warn',
      );
      return false;
    }
    const plan = planReplay(this.view.value, pid, from, to);
    if ('error' in plan) {
      this.say(plan.error, 'warn');
      return false;
    }
    const live = this.live.value;
    const run: ReplayRun = {
      source: this.view.value,
      sourcePid: pid,
      mids: plan.mids,
      pid: target,
      afterMid: newestMid(live),
      kinds: new Set(plan.messages.map((m) => m.kind)),
    };
    const ok = this.send({
      type: 'replay',
      pid: target,
      state: plan.state,
      messages: plan.messages,
      intervalMs: intervalFor(speed),
    });
    if (!ok) return false;
    this.replayRun.value = run;
    const onto = live.processes.get(target)?.caps.jump
      ? `from the state at step ${plan.fromStep}`
      : 'onto the present state (the server owns it; it is not reset)';
    this.say(`replaying ${plan.messages.length} messages ${onto}`);
    return ok;
  }

  stopReplay(pid: string): boolean {
    const target = this.replayTarget(pid);
    return target === null ? false : this.send({ type: 'replay-stop', pid: target });
  }

  toggleRecording(): void {
    this.send(this.live.value.recording ? { type: 'pause' } : { type: 'resume' });
  }

  // --- files -----------------------------------------------------------------------------

  exportText(): string {
    return exportSession(this.view.value);
  }

  download(): void {
    const store = this.view.value;
    try {
      downloadText(exportSession(store), exportFileName(store));
    } catch (e) {
      this.say(`export failed: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }

  /** Open a session file as a view-only session. Returns false (with a hint) if unusable. */
  importText(text: string, fileName = 'session.json'): boolean {
    const res = importSession(text, this.memoryBudget.value.value);
    if (!res.store) {
      this.say(`import failed: ${res.error}`, 'error');
      return false;
    }
    batch(() => {
      this.imported.value = { store: res.store!, fileName, bad: res.bad, total: res.total };
      this.clearSelection();
      this.filter.clearPids();
    });
    const bad = res.bad ? `, ${res.bad} invalid events skipped` : '';
    this.say(`imported ${res.total - res.bad} events from ${fileName}${bad}`, res.bad ? 'warn' : 'info');
    return true;
  }

  closeImport(): void {
    batch(() => {
      this.imported.value = null;
      this.clearSelection();
      this.filter.clearPids();
    });
  }
}

export function createPanelModel(opts: PanelModelOptions = {}): PanelModel {
  return new PanelModel(opts);
}
