/**
 * Flags now in force, one line per process and rule, with what fired against which
 * threshold and how often. Clicking one selects its newest occurrence.
 */
import { clip } from '../lib/format';
import type { PanelModel } from '../models/panel';
import { FLAG_LABEL } from './FlagBadges';

const SHOWN = 200;

export function FlagsView({ model }: { model: PanelModel }) {
  const groups = model.flagGroups.value;
  const store = model.view.value;
  return (
    <div class="flags" data-testid="flags">
      <div class="section-head">Flags ({groups.length})</div>
      {groups.length === 0 && <div class="empty muted">Nothing too big or too slow.</div>}
      {groups.slice(0, SHOWN).map((g) => (
        <button
          type="button"
          key={g.key}
          class="flag"
          data-testid="flag"
          data-flag={g.kind}
          data-rule={g.rule}
          data-pid={g.pid}
          data-seq={g.seq}
          onClick={() => model.select(g.seq)}
          title="Select the newest occurrence"
        >
          <span class={`badge badge-${g.kind}`}>{FLAG_LABEL[g.kind]}</span>
          <span class="flag-proc">{clip(store.processes.get(g.pid)?.name ?? g.pid, 120)}</span>
          <span class="flag-text">{clip(g.last.text)}</span>
          {g.count > 1 && <span class="muted"> ×{g.count}</span>}
        </button>
      ))}
    </div>
  );
}
