/**
 * Flag thresholds, edited in the units people think in (KB, ms, items), and the panel's
 * memory budget. Saved as typed.
 */
import { useEffect, useState } from 'preact/hooks';
import { COMPAT_STORAGE_KEY } from '../../compat-setting';
import type { PanelModel } from '../models/panel';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../models/thresholds';
import { MemoryBudgetSetting } from './MemoryBudgetSetting';

const FIELDS: { key: keyof Thresholds; label: string; unit: string; scale: number }[] = [
  { key: 'keySize', label: 'Large top-level key over', unit: 'KB', scale: 1024 },
  { key: 'stateSize', label: 'Large state over', unit: 'KB', scale: 1024 },
  { key: 'listLength', label: 'Long list over', unit: 'items', scale: 1 },
  { key: 'growthSteps', label: 'Growing on every one of the last', unit: 'steps', scale: 1 },
  { key: 'slowMs', label: 'Slow handler over', unit: 'ms', scale: 1 },
  { key: 'backlogDepth', label: 'Backlog: more than', unit: 'queued', scale: 1 },
  { key: 'waitMs', label: 'Backlog: a wait over', unit: 'ms', scale: 1 },
];

export function Settings({ model, onClose }: { model: PanelModel; onClose(): void }) {
  const th = model.thresholds.value.value;
  return (
    <div class="settings" data-testid="settings-panel" role="dialog" aria-label="Flag thresholds">
      <div class="section-head">
        <span>Flag thresholds</span>
        <span>
          <button type="button" class="link" onClick={() => model.thresholds.reset()}>
            defaults
          </button>{' '}
          <button type="button" class="link" onClick={onClose} aria-label="Close settings">
            ✕
          </button>
        </span>
      </div>
      <div class="settings-grid">
        {FIELDS.map((f) => (
          <label key={f.key}>
            <span>{f.label}</span>
            <input
              type="number"
              min={0}
              step="any"
              class="num"
              data-testid={`threshold-${f.key}`}
              value={th[f.key] / f.scale}
              title={`default ${DEFAULT_THRESHOLDS[f.key] / f.scale} ${f.unit}`}
              onChange={(e) => {
                const v = Number((e.target as HTMLInputElement).value);
                if (Number.isFinite(v) && v >= 0) model.thresholds.set({ [f.key]: v * f.scale });
              }}
            />
            <span class="muted">{f.unit}</span>
          </label>
        ))}
      </div>
      <MemoryBudgetSetting model={model} />
      <CompatSetting />
    </div>
  );
}

type LocalArea = {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
};
/** `storage.local` where it exists (both browsers offer promise-based `chrome.storage` in MV3). */
const localArea = (): LocalArea | undefined =>
  (globalThis as { chrome?: { storage?: { local?: LocalArea } } }).chrome?.storage?.local;

/** On/off for what the extension adds to pages: the Redux DevTools–compatible global and the LiveView watch. */
function CompatSetting() {
  const [on, setOn] = useState(true);
  useEffect(() => {
    localArea()
      ?.get(COMPAT_STORAGE_KEY)
      .then((v) => setOn(v[COMPAT_STORAGE_KEY] !== false))
      .catch(() => {});
  }, []);
  return (
    <label class="settings-compat">
      <input
        type="checkbox"
        data-testid="setting-compat-global"
        checked={on}
        onChange={(e) => {
          const next = (e.target as HTMLInputElement).checked;
          setOn(next);
          localArea()
            ?.set({ [COMPAT_STORAGE_KEY]: next })
            .catch(() => {});
        }}
      />{' '}
      Hook into pages with no code change: a Redux DevTools–compatible{' '}
      <code>__REDUX_DEVTOOLS_EXTENSION__</code> (steps aside when Redux DevTools is installed) and Phoenix
      LiveView's <code>window.liveSocket</code> (reload the page to apply)
    </label>
  );
}
