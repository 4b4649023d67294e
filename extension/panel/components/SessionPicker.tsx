/**
 * "Preserve log" and, once the page reloaded with it on, which session to look at: the
 * live one or an earlier one (view only). The banner says plainly which one is shown.
 */
import { type EarlierSession, MAX_EARLIER } from '../models/earlier-sessions';
import type { PanelModel } from '../models/panel';

const clock = (t: number): string => new Date(t).toLocaleTimeString('en-GB', { hour12: false });

export const earlierLabel = (e: EarlierSession): string =>
  `Earlier #${e.n} (until ${clock(e.endedAt)}, ${e.store.eventCount.toLocaleString('en-US')} events)`;

export function SessionPicker({ model }: { model: PanelModel }) {
  const preserve = model.earlier.preserve.value;
  const list = model.earlier.list.value;
  const viewing = model.viewingEarlier.value;
  return (
    <>
      <label
        class="check"
        title="Keep the recorded session when the page reloads (view only, beside the new one)"
      >
        <input
          type="checkbox"
          data-testid="preserve-log"
          checked={preserve}
          onChange={(e) => model.earlier.setPreserve((e.target as HTMLInputElement).checked)}
        />
        Preserve log
      </label>
      {list.length > 0 && (
        <select
          data-testid="session-select"
          aria-label="Session shown"
          value={viewing ? String(viewing.n) : 'live'}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            model.viewEarlier(v === 'live' ? null : Number(v));
          }}
        >
          <option value="live">Live session</option>
          {[...list].reverse().map((e) => (
            <option key={e.n} value={String(e.n)}>
              {earlierLabel(e)}
            </option>
          ))}
        </select>
      )}
    </>
  );
}

export function EarlierBanner({ model }: { model: PanelModel }) {
  const e = model.viewingEarlier.value;
  const letGo = model.earlier.letGo.value;
  if (!e || model.imported.value) return null;
  return (
    <div class="import-banner earlier-banner" data-testid="earlier-banner">
      <span>
        Viewing an <strong>earlier session</strong> of this page, before a reload at {clock(e.endedAt)}
        {e.url && <> ({e.url})</>} — {e.store.eventCount.toLocaleString('en-US')} events · view only; the live
        session keeps recording.
        {letGo > 0 && (
          <span class="warn-text" data-testid="earlier-let-go">
            {' '}
            {letGo} older session{letGo === 1 ? ' was' : 's were'} let go of (at most {MAX_EARLIER} kept,
            within the panel's memory budget).
          </span>
        )}
      </span>
      <button type="button" data-testid="earlier-close" onClick={() => model.viewEarlier(null)}>
        Back to live
      </button>
    </div>
  );
}
