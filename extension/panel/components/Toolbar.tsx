/**
 * The top bar: link status, recording, kind filter, search, files, settings, the focused
 * store's ops menu, and honest
 * counters for anything dropped on the way or odd in what arrived.
 */
import type { PanelModel } from '../models/panel';
import { ENTRY_KINDS, type EntryKind } from '../models/timeline';
import { IGNORED_REASONS } from '../sequencer';
import { letGoText } from './MemoryBudgetSetting';
import { SessionPicker } from './SessionPicker';
import { StoreOps } from './StoreOps';

const KIND_LABEL: Record<EntryKind, string> = { message: 'Messages', step: 'Steps', notice: 'Notices' };

/** Counted but not lost (the link already held them, or they were of another session). */
const isIgnored = (d: { where: string; reason: string }) =>
  d.where === 'panel' && IGNORED_REASONS.includes(d.reason);

export function dropSummary(model: PanelModel): { total: number; text: string } {
  const reasons = new Map<string, number>();
  for (const d of model.drops.value)
    if (!isIgnored(d)) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + d.count);
  const live = model.live.value;
  live.version.value;
  if (live.pageDropped) reasons.set('in the page', (reasons.get('in the page') ?? 0) + live.pageDropped);
  let total = 0;
  for (const n of reasons.values()) total += n;
  return { total, text: `${total} dropped (${[...reasons.keys()].join(', ')})` };
}

export function ignoredSummary(model: PanelModel): { total: number; title: string } {
  const list = model.drops.value.filter(isIgnored);
  let total = 0;
  for (const d of list) total += d.count;
  return { total, title: list.map((d) => `${d.count} ${d.reason}`).join('\n') };
}

export function Toolbar({ model, onSettings }: { model: PanelModel; onSettings(): void }) {
  const status = model.linkStatus.value;
  const live = model.live.value;
  live.version.value;
  const view = model.view.value;
  view.version.value;
  const kinds = model.filter.kinds.value;
  const res = model.filter.result.value;
  const drops = dropSummary(model);
  const ignored = ignoredSummary(model);
  const reloads = model.reloads.value;
  const odd = view.oddCount();
  const letGo = view.letGo;
  const onFile = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    try {
      model.importText(await file.text(), file.name);
    } catch (err) {
      model.say(`import failed: ${err instanceof Error ? err.message : String(err)}`, 'error');
    }
    input.value = '';
  };
  return (
    <div class="toolbar" data-testid="toolbar" role="toolbar">
      <span class={`link-status ls-${status}`} data-testid="link-status" title="Connection to the page">
        {status}
      </span>
      <button
        type="button"
        data-testid="record-toggle"
        aria-pressed={!live.recording}
        disabled={status !== 'connected'}
        onClick={() => model.toggleRecording()}
        title={live.recording ? 'Pause recording in the page' : 'Resume recording'}
      >
        {live.recording ? 'Pause' : '● Resume'}
      </button>
      <SessionPicker model={model} />
      <span class="sep" />
      {ENTRY_KINDS.map((k) => (
        <button
          type="button"
          key={k}
          class={`toggle${kinds.has(k) ? ' on' : ''}`}
          data-testid={`kind-${k}`}
          aria-pressed={kinds.has(k)}
          onClick={() => model.filter.toggleKind(k)}
        >
          {KIND_LABEL[k]}
        </button>
      ))}
      <input
        type="search"
        class="search"
        data-testid="search"
        placeholder="Search names and payloads"
        value={model.filter.search.value}
        onInput={(e) => {
          model.filter.search.value = (e.target as HTMLInputElement).value;
        }}
        aria-label="Search the timeline"
      />
      <span class="muted count" data-testid="shown-count">
        {res.length.toLocaleString('en-US')}
        {model.filter.active ? ` / ${view.timeline.length.toLocaleString('en-US')}` : ''}
      </span>
      <span class="sep" />
      <button
        type="button"
        data-testid="export"
        onClick={() => model.download()}
        title="Save this session as a file"
      >
        Export
      </button>
      <label class="button file" title="Open a saved session (view only)">
        Import
        <input type="file" accept=".json,application/json" data-testid="import" onChange={onFile} />
      </label>
      <button type="button" data-testid="settings" onClick={onSettings} title="Flag thresholds">
        ⚙ Settings
      </button>
      <StoreOps model={model} />
      <span class="grow" />
      {reloads > 0 && (
        <span class="note" data-testid="reloaded" title="A new page session replaced the recorded one">
          page reloaded{reloads > 1 ? ` ×${reloads}` : ''}
        </span>
      )}
      {odd > 0 && (
        <span
          class="note warn"
          data-testid="oddities"
          title={[...view.oddities].map(([what, n]) => `${n}× ${what}`).join('\n')}
        >
          {odd} odd event{odd === 1 ? '' : 's'}
        </span>
      )}
      {letGo > 0 && (
        <button
          type="button"
          class="note warn"
          data-testid="let-go"
          onClick={onSettings}
          title={`${letGoText(letGo)} (Settings)`}
        >
          {letGo.toLocaleString('en-US')} oldest events let go of (memory budget)
        </button>
      )}
      {ignored.total > 0 && (
        <span class="note" data-testid="ignored" title={`Refused, nothing lost:\n${ignored.title}`}>
          {ignored.total.toLocaleString('en-US')} ignored
        </span>
      )}
      {drops.total > 0 && (
        <span
          class="note warn"
          data-testid="drops"
          title={model.drops.value
            .filter((d) => !isIgnored(d))
            .map((d) => `${d.count} at ${d.where}: ${d.reason}`)
            .join('\n')}
        >
          {drops.text}
        </span>
      )}
    </div>
  );
}
