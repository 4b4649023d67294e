/**
 * Processes as a tree (parent → children). Each row: name, kind, status, handled count,
 * mailbox depth, what time travel it supports, where it is in time, and flag badges.
 * Clicking a row toggles it in the timeline's process filter.
 */
import { clip } from '../lib/format';
import { type Flag, type FlagGroup, stepFlags } from '../models/flags';
import type { PanelModel } from '../models/panel';
import type { ProcessRow } from '../models/processes';
import type { SessionStore } from '../models/session';
import type { Thresholds } from '../models/thresholds';
import { FlagBadges } from './FlagBadges';

/** A process's flags now: its newest state, its current mailbox, and past slow/backlog. */
function processFlags(store: SessionStore, row: ProcessRow, th: Thresholds, groups: FlagGroup[]): Flag[] {
  const out: Flag[] = [];
  const last = store.history.last(row.pid);
  if (last) out.push(...stepFlags(last, th));
  if (row.waiting.size > th.backlogDepth) {
    out.push({
      kind: 'backlog',
      rule: 'depth',
      text: `${row.waiting.size} queued now > ${th.backlogDepth}`,
      value: row.waiting.size,
      threshold: th.backlogDepth,
    });
  }
  for (const g of groups) {
    if (g.pid === row.pid && g.kind !== 'large-state')
      out.push({ ...g.last, text: `${g.count}× — last: ${g.last.text}` });
  }
  return out;
}

function capsText(row: ProcessRow): string {
  const parts = [];
  if (row.caps.jump) parts.push('jump');
  if (row.caps.replay) parts.push('replay');
  if (row.caps.preview) parts.push('preview');
  return parts.length ? parts.join(' · ') : 'observe only';
}

export function ProcessList({ model }: { model: PanelModel }) {
  const store = model.view.value;
  store.version.value;
  const th = model.thresholds.value.value;
  const groups = model.flagGroups.value;
  const filterPids = model.filter.pids.value;
  const tree = store.processes.tree();
  return (
    <div class="processes" role="tree" aria-label="Processes">
      <div class="section-head">
        <span>Processes ({tree.length})</span>
        {filterPids.size > 0 && (
          <button type="button" class="link" onClick={() => model.filter.clearPids()}>
            show all
          </button>
        )}
      </div>
      {tree.length === 0 && <div class="empty muted">No processes reported yet.</div>}
      {tree.map(({ row, depth }) => {
        const active = filterPids.has(row.pid);
        const counts = new Map<string, number>();
        // Counts of past occurrences; a large-state badge is about the newest state only.
        for (const g of groups) {
          if (g.pid === row.pid && g.kind !== 'large-state')
            counts.set(g.kind, (counts.get(g.kind) ?? 0) + g.count);
        }
        return (
          <div
            key={row.pid}
            class={`proc${active ? ' active' : ''} status-${row.status}`}
            data-testid="process-row"
            data-pid={row.pid}
            data-name={row.name}
            role="treeitem"
            aria-selected={active}
            tabIndex={0}
            style={{ paddingLeft: `${depth * 14 + 6}px` }}
            title={`${row.name} (${row.pid}) — ${capsText(row)}${row.statusReason ? `\n${clip(row.statusReason, 1000)}` : ''}`}
            onClick={() => {
              model.filter.togglePid(row.pid);
              model.focusPid.value = row.pid;
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                model.filter.togglePid(row.pid);
                model.focusPid.value = row.pid;
              }
            }}
          >
            <div class="proc-line">
              <span class="proc-name">{row.name}</span>
              <span class="tag">{row.kind}</span>
              <span class={`proc-status s-${row.status}`}>{row.running > 0 ? 'busy' : row.status}</span>
            </div>
            <div class="proc-line muted">
              <span title="messages handled">✓ {row.handled}</span>
              <span title="waiting in the mailbox" class={row.waiting.size ? 'strong' : ''}>
                ✉ {row.waiting.size}
              </span>
              <span title="recorded steps">◆ {row.steps}</span>
              {row.travel !== null && <span class="travel-tag">at step {row.travel}</span>}
              {row.replay?.state === 'running' && (
                <span class="travel-tag">
                  replay {row.replay.index + 1}/{row.replay.total}
                </span>
              )}
              <FlagBadges flags={processFlags(store, row, th, groups)} counts={counts} />
            </div>
          </div>
        );
      })}
    </div>
  );
}
