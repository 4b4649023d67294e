/**
 * The panel's memory budget for a recorded session, in MB, and what the viewed session
 * holds against it: the estimate (the state history's share of it) and, once any, how many
 * of its oldest events were let go of (counted, never silent).
 */
import { size } from '../lib/format';
import { DEFAULT_MEMORY_BUDGET, MB } from '../models/memory-budget';
import type { PanelModel } from '../models/panel';

export function MemoryBudgetSetting({ model }: { model: PanelModel }) {
  const use = model.memoryUse.value;
  return (
    <div class="settings-grid">
      <label>
        <span>Panel memory budget (recorded session)</span>
        <input
          type="number"
          min={0}
          step="any"
          class="num"
          data-testid="setting-memory-budget"
          value={model.memoryBudget.value.value / MB}
          title={`default ${DEFAULT_MEMORY_BUDGET / MB} MB; past it the session's oldest events are let go of`}
          onChange={(e) => {
            const v = Number((e.target as HTMLInputElement).value);
            if (Number.isFinite(v) && v >= 0) model.memoryBudget.set(v * MB);
          }}
        />
        <span class="muted">MB</span>
      </label>
      <span class="muted" data-testid="memory-use">
        holding about {size(use.bytes)} (state history {size(use.history)})
        {use.bytes > use.budget &&
          " (what may not be let go of alone is over the budget: each process's latest state, messages still waiting)"}
        {use.letGo > 0 && (
          <span class="warn-text" data-testid="memory-let-go">
            {' '}
            · {letGoText(use.letGo)} (a raised budget keeps more from now on)
          </span>
        )}
      </span>
    </div>
  );
}

/** "N oldest events let go of to stay within the panel's memory budget". */
export const letGoText = (n: number): string =>
  `${n.toLocaleString('en-US')} oldest event${n === 1 ? '' : 's'} let go of to stay within the panel's memory budget`;
