/**
 * Preview of a LiveView step: the page rebuilt from that step's recorded state, beside the
 * present (the process's newest step), each in an isolated iframe (see lib/lvpreview.ts).
 * srcdoc is a property of the iframe element, never markup in the panel's own document.
 */

import type { Serialized } from '../../../runtime-hook/protocol';
import { previewDoc } from '../lib/lvpreview';

export interface LiveViewPreviewProps {
  past: { step: number; state: Serialized | undefined };
  present?: { step: number; state: Serialized | undefined };
}

export function LiveViewPreview({ past, present }: LiveViewPreviewProps) {
  const pastDoc = previewDoc(past.state);
  const presentDoc = present ? previewDoc(present.state) : undefined;
  return (
    <div class="lv-preview" data-testid="lv-preview">
      <ServerOwnsNote />
      <div class="lv-preview-panes" style={{ display: 'flex', gap: '8px' }}>
        <Pane label={`step ${past.step}`} doc={pastDoc} testId="lv-preview-past" />
        {present && (
          <Pane
            label={
              present.step === past.step
                ? `present (step ${present.step}, this step)`
                : `present (step ${present.step})`
            }
            doc={presentDoc}
            testId="lv-preview-present"
          />
        )}
      </div>
    </div>
  );
}

/** What each action does for a LiveView, said once where the user looks at its past. */
export function ServerOwnsNote() {
  return (
    <div class="muted small-note" data-testid="lv-server-owns">
      <strong>The server owns this LiveView's assigns.</strong> Hindsight sees what the client sent and
      received, and cannot set the server back:
      <p>· Clicking a step previews the page as it was rendered then, here only; nothing is sent.</p>
      <p>
        · Replay re-sends the recorded user events to the live server, onto its present state, and reports
        where the new replies differ from the recorded ones.
      </p>
      <p>
        · Assigns, the server mailbox and handler times show only when the server reports them (
        <code>hindsight:report</code>).
      </p>
    </div>
  );
}

function Pane({ label, doc, testId }: { label: string; doc: string | undefined; testId: string }) {
  return (
    <figure class="lv-preview-pane" style={{ flex: '1 1 0', minWidth: 0, margin: 0 }}>
      <figcaption class="muted">{label}</figcaption>
      {doc === undefined ? (
        <div class="muted" data-testid={`${testId}-none`}>
          no rendered page recorded for this step
        </div>
      ) : (
        <iframe
          title={`LiveView preview, ${label}`}
          sandbox=""
          srcdoc={doc}
          data-testid={testId}
          style={{ width: '100%', height: '260px', border: '1px solid #8884', background: '#fff' }}
        />
      )}
    </figure>
  );
}
