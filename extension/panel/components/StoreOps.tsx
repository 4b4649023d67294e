/**
 * Redux DevTools' store ops (Commit / Reset / Rollback / Lock) for one live store: the
 * focused process, or the only one offering them. A small menu, since all but Lock rewrite
 * the app's state; each item says what it does.
 */
import type { StoreOp } from '../../../runtime-hook/protocol';
import type { PanelModel } from '../models/panel';
import type { ProcessRow } from '../models/processes';

const ITEMS: { op: StoreOp; label: string; title: string }[] = [
  {
    op: 'commit',
    label: 'Commit',
    title: 'Make the present state the baseline; earlier actions are dropped',
  },
  { op: 'rollback', label: 'Rollback', title: 'Return to the last committed state' },
  { op: 'reset', label: 'Reset', title: 'Return to the initial state' },
  { op: 'lock', label: 'Lock changes', title: "Ignore the app's own actions until unlocked" },
  { op: 'unlock', label: 'Unlock changes', title: "Accept the app's actions again" },
];

function target(model: PanelModel): ProcessRow | undefined {
  const live = model.live.value;
  const focus = model.focusPid.value;
  const row = focus ? live.processes.get(focus) : undefined;
  if (row) return row.caps.ops?.length ? row : undefined;
  const offering = live.processes.list().filter((r) => r.caps.ops?.length && r.status !== 'exited');
  return offering.length === 1 ? offering[0] : undefined;
}

export function StoreOps({ model }: { model: PanelModel }) {
  model.live.value.version.value;
  if (model.view.value.viewOnly) return null;
  const row = target(model);
  if (!row) return null;
  const ops = row.caps.ops ?? [];
  // Lock and Unlock are one item: whichever applies now.
  const items = ITEMS.filter(
    (i) => ops.includes(i.op) && (i.op === 'lock' ? !row.locked : i.op === 'unlock' ? !!row.locked : true),
  );
  return (
    <details class="store-ops" data-testid="store-ops" data-pid={row.pid}>
      <summary title={`Store operations for ${row.name}`}>Store{row.locked ? ' (locked)' : ''} ▾</summary>
      <div class="store-ops-menu" role="menu" aria-label={`Store operations for ${row.name}`}>
        <span class="muted">{row.name}</span>
        {items.map((i) => (
          <button
            type="button"
            key={i.op}
            role="menuitem"
            data-testid={`store-op-${i.op}`}
            title={i.title}
            onClick={(e) => {
              model.storeOp(row.pid, i.op);
              const menu = (e.currentTarget as HTMLElement).closest('details');
              if (menu) menu.open = false;
            }}
          >
            {i.label}
          </button>
        ))}
      </div>
    </details>
  );
}
