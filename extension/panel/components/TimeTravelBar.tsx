/**
 * Where the app is in time: a clear bar while any process shows a past step (new messages
 * are still recorded meanwhile), and replay controls for the focused process.
 */
import { useState } from 'preact/hooks';
import type { PanelModel } from '../models/panel';
import type { ProcessRow } from '../models/processes';
import { SPEEDS } from '../models/replay';
import { ReplayReport } from './ReplayReport';

export function TimeTravelBar({ model }: { model: PanelModel }) {
  const travelling = model.travelling.value;
  const viewOnly = model.view.value.viewOnly;
  return (
    <div class="travel">
      {travelling.length > 0 && !viewOnly && (
        <div class="past-bar" data-testid="past-bar" role="status">
          <span class="past-icon" aria-hidden="true">
            ◀◀
          </span>
          <span>
            Viewing the past —{' '}
            {travelling.map((t, i) => (
              <span key={t.pid}>
                {i > 0 && ', '}
                <strong>{t.name}</strong> at step {t.step}
              </span>
            ))}{' '}
            (new messages are still recorded)
          </span>
          <button type="button" data-testid="present" onClick={() => model.presentAll()}>
            Back to present
          </button>
        </div>
      )}
      <ReplayControls model={model} />
      <ReplayReport model={model} />
    </div>
  );
}

/** The process replay is about: the focused one, else the first that can replay. */
function replayProcess(model: PanelModel): ProcessRow | undefined {
  const store = model.view.value;
  const focus = model.focusPid.value;
  const row = focus ? store.processes.get(focus) : undefined;
  if (row) return row;
  return store.processes.list().find((r) => model.replayTarget(r.pid) !== null) ?? store.processes.list()[0];
}

function ReplayControls({ model }: { model: PanelModel }) {
  const store = model.view.value;
  store.version.value;
  model.live.value.version.value;
  const row = replayProcess(model);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [speed, setSpeed] = useState<string>('1');
  if (!row) return null;
  const target = model.replayTarget(row.pid);
  const progress = target ? model.live.value.processes.get(target)?.replay : null;
  const last = row.lastStep ?? 0;
  // Empty inputs mean the whole recorded range.
  const a = from === '' ? 1 : Number(from);
  const b = to === '' ? last : Number(to);
  const running = progress?.state === 'running';
  return (
    <div class="replay" data-testid="replay" data-pid={row.pid}>
      <span class="replay-title">
        Replay <strong>{row.name}</strong>
        {store.viewOnly && target && <span class="muted"> into the app</span>}
      </span>
      <label>
        from step{' '}
        <input
          type="number"
          min={0}
          class="num"
          data-testid="replay-from"
          value={from}
          placeholder="1"
          onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        to{' '}
        <input
          type="number"
          min={0}
          class="num"
          data-testid="replay-to"
          value={to}
          placeholder={String(last)}
          onInput={(e) => setTo((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        speed{' '}
        <select
          data-testid="replay-speed"
          value={speed}
          onChange={(e) => setSpeed((e.target as HTMLSelectElement).value)}
        >
          {SPEEDS.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        data-testid="replay-start"
        disabled={!target}
        title={
          !target
            ? 'This process cannot replay'
            : model.live.value.processes.get(target)?.caps.jump
              ? 'Reset to the state before the range and re-dispatch its messages'
              : 'Re-send the recorded events to the live server, onto its present state (the server owns the state; Hindsight cannot reset it)'
        }
        onClick={() => model.replay(row.pid, a, b, speed)}
      >
        ▶ Start
      </button>
      <button
        type="button"
        data-testid="replay-stop"
        disabled={!target || !running}
        onClick={() => model.stopReplay(row.pid)}
      >
        ■ Stop
      </button>
      <span class="replay-progress" data-testid="replay-progress" data-state={progress?.state ?? 'idle'}>
        {progress
          ? `${progress.state} ${Math.min(progress.index + (progress.state === 'running' ? 1 : 0), progress.total)}/${progress.total}${progress.error ? ` — ${progress.error}` : ''}`
          : target
            ? ''
            : store.viewOnly
              ? 'no live process with this name can replay'
              : 'this process cannot replay'}
      </span>
    </div>
  );
}
