/**
 * How the last replay's replies compare with the recorded ones: one line per re-sent
 * message, and for those that changed the state differently, the paths where they did.
 */
import type { PanelModel } from '../models/panel';

export function ReplayReport({ model }: { model: PanelModel }) {
  const pairs = model.replayReport.value;
  if (!pairs?.length) return null;
  const differ = pairs.filter((p) => p.verdict === 'differs').length;
  const pending = pairs.filter((p) => p.verdict === 'pending').length;
  return (
    <details
      class="replay-report"
      data-testid="replay-report"
      data-differ={differ}
      data-pending={pending}
      open
    >
      <summary>
        Replies compared with the recording: {pairs.length - differ - pending} same
        {differ > 0 && <strong class="flag-text"> · {differ} differ</strong>}
        {pending > 0 && <span class="muted"> · {pending} waiting</span>}
      </summary>
      <ol>
        {pairs.map((p) => (
          <li key={p.recordedMid} data-testid="replay-pair" data-verdict={p.verdict}>
            <span class={`verdict verdict-${p.verdict}`}>{p.verdict}</span> <code>{p.name}</code>
            {p.why && <span class="muted"> — {p.why}</span>}
            {p.paths.length > 0 && (
              <span class="muted">
                {' '}
                at{' '}
                {p.paths.map((path, i) => (
                  <span key={path}>
                    {i > 0 && ', '}
                    <code>{path}</code>
                  </span>
                ))}
              </span>
            )}
          </li>
        ))}
      </ol>
    </details>
  );
}
