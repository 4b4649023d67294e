/** The panel's layout. Each region has its own error boundary. */
import { useState } from 'preact/hooks';
import type { PanelModel } from '../models/panel';
import { ErrorBoundary } from './ErrorBoundary';
import { FlagsView } from './FlagsView';
import { Inspector } from './Inspector';
import { MailboxView } from './MailboxView';
import { ProcessList } from './ProcessList';
import { EarlierBanner } from './SessionPicker';
import { Settings } from './Settings';
import { Timeline } from './Timeline';
import { TimeTravelBar } from './TimeTravelBar';
import { Toolbar } from './Toolbar';

export function App({ model }: { model: PanelModel }) {
  const [settings, setSettings] = useState(false);
  return (
    <div class="app">
      <ErrorBoundary name="Toolbar">
        <Toolbar model={model} onSettings={() => setSettings(!settings)} />
      </ErrorBoundary>
      {settings && (
        <ErrorBoundary name="Settings">
          <Settings model={model} onClose={() => setSettings(false)} />
        </ErrorBoundary>
      )}
      <ImportBanner model={model} />
      <EarlierBanner model={model} />
      <HintLine model={model} />
      <ErrorBoundary name="Time travel">
        <TimeTravelBar model={model} />
      </ErrorBoundary>
      <div class="main">
        <aside class="side">
          <ErrorBoundary name="Processes">
            <ProcessList model={model} />
          </ErrorBoundary>
          <ErrorBoundary name="Mailbox">
            <MailboxView model={model} />
          </ErrorBoundary>
          <ErrorBoundary name="Flags">
            <FlagsView model={model} />
          </ErrorBoundary>
        </aside>
        <section class="center">
          <ErrorBoundary name="Timeline">
            <Timeline model={model} />
          </ErrorBoundary>
        </section>
        <section class="right">
          <ErrorBoundary name="Inspector">
            <Inspector model={model} />
          </ErrorBoundary>
        </section>
      </div>
    </div>
  );
}

function ImportBanner({ model }: { model: PanelModel }) {
  const imp = model.imported.value;
  if (!imp) return null;
  return (
    <div class="import-banner" data-testid="import-banner">
      Viewing imported file <strong>{imp.fileName}</strong> — {imp.total - imp.bad} events
      {imp.bad > 0 && (
        <span class="warn-text" data-testid="import-bad">
          {' '}
          ({imp.bad} invalid skipped)
        </span>
      )}{' '}
      · view only; the live session keeps recording.{' '}
      <button type="button" data-testid="import-close" onClick={() => model.closeImport()}>
        Back to live
      </button>
    </div>
  );
}

function HintLine({ model }: { model: PanelModel }) {
  const hint = model.hint.value;
  if (!hint) return null;
  return (
    <div class={`hint hint-${hint.level}`} data-testid="hint" role="status">
      <span>{hint.text}</span>
      <button type="button" class="link" aria-label="Dismiss" onClick={() => (model.hint.value = null)}>
        ✕
      </button>
    </div>
  );
}
