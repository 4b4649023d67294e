/**
 * The history's memory budget in MB, and what the viewed session holds against it: the
 * estimate and, once any, how many steps' states were released (counted, never silent).
 */
import { size } from '../lib/format';
import { DEFAULT_HISTORY_BUDGET, MB } from '../models/history-budget';
import type { PanelModel } from '../models/panel';

export function HistoryBudgetSetting({ model }: { model: PanelModel }) {
  const use = model.historyUse.value;
  return (
    <div class="settings-grid">
      <label>
        <span>State history memory budget</span>
        <input
          type="number"
          min={0}
          step="any"
          class="num"
          data-testid="setting-history-budget"
          value={model.historyBudget.value.value / MB}
          title={`default ${DEFAULT_HISTORY_BUDGET / MB} MB; the oldest steps' states are released past it`}
          onChange={(e) => {
            const v = Number((e.target as HTMLInputElement).value);
            if (Number.isFinite(v) && v >= 0) model.historyBudget.set(v * MB);
          }}
        />
        <span class="muted">MB</span>
      </label>
      <span class="muted" data-testid="history-use">
        holding about {size(use.bytes)}
        {use.bytes > use.budget && ' (the latest states alone are over the budget)'}
        {use.released > 0 && (
          <span class="warn-text" data-testid="history-released">
            {' '}
            · {releasedText(use.released)}
          </span>
        )}
      </span>
    </div>
  );
}

const releasedText = (n: number): string =>
  `${n.toLocaleString('en-US')} oldest ${n === 1 ? "step's state was" : "steps' states were"} released to stay within it (a raised budget keeps more from now on)`;
