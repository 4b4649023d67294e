/**
 * The selected entry in full: the message (timing, payload), the mutations it caused, the
 * diff from the step before, and the state at that step.
 */
import type { Serialized } from '../../../runtime-hook/protocol';
import { clock, ms, size } from '../lib/format';
import { durationOf, waitOf } from '../models/messages';
import type { PanelModel } from '../models/panel';
import { DiffView } from './DiffView';
import { ErrorBoundary } from './ErrorBoundary';
import { LiveViewPreview } from './LiveViewPreview';
import { StateTree } from './StateTree';

export function Inspector({ model }: { model: PanelModel }) {
  const ins = model.inspection.value;
  const store = model.view.value;
  if (!ins) {
    return (
      <div class="inspector" data-testid="inspector">
        <div class="empty muted">
          Select a timeline entry to inspect it. Clicking a step also moves the app there.
        </div>
      </div>
    );
  }
  const { entry, process, message, steps, state, diff } = ins;
  const lastStep = steps.length ? steps[steps.length - 1] : undefined;
  const canJump = !store.viewOnly && process?.caps.jump && lastStep?.state !== undefined;
  const payloadSource = entry.kind === 'step' && lastStep?.mutation ? lastStep.mutation : message;
  return (
    <div class="inspector" data-testid="inspector" data-seq={entry.seq}>
      <div class="ins-head">
        <span class={`c-kind kind-${entry.kind}`}>
          {entry.kind === 'step' ? `step ${entry.step}` : entry.kind}
        </span>{' '}
        <strong class="ins-name">{entry.name}</strong>
        {process && <span class="muted"> · {process.name}</span>}
        <span class="muted">
          {' '}
          · #{entry.seq} · {clock(entry.t)}
        </span>
        {canJump && lastStep && (
          <button type="button" class="small" onClick={() => model.jump(entry.pid, lastStep.step)}>
            Jump app here
          </button>
        )}
        {message && process?.caps.toggle && !store.viewOnly && (
          <button
            type="button"
            class="small"
            data-testid="skip-toggle"
            aria-pressed={!!message.skipped}
            title="Recompute the later states without this message (or with it again)"
            onClick={() => model.toggle(message.pid, message.mid)}
          >
            {message.skipped ? 'Un-skip' : 'Skip'}
          </button>
        )}
        {process && !process.caps.jump && entry.kind !== 'notice' && (
          <span class="muted small-note"> this process cannot jump</span>
        )}
      </div>

      {message && (
        <dl class="facts">
          <dt>message</dt>
          <dd>
            {message.kind} · mid {message.mid}
            {message.from !== undefined && ` · sent from mid ${message.from}`}
            {message.replay && ' · produced by a replay'}
          </dd>
          <dt>queued</dt>
          <dd>{clock(message.queuedAt)}</dd>
          <dt>wait</dt>
          <dd>{message.startedAt === undefined ? 'not started' : ms(waitOf(message))}</dd>
          <dt>ran</dt>
          <dd>
            {message.doneAt === undefined
              ? message.startedAt === undefined
                ? '—'
                : 'running'
              : ms(durationOf(message))}
          </dd>
          {message.error !== undefined && (
            <>
              <dt>error</dt>
              <dd class="error-text">{message.error}</dd>
            </>
          )}
        </dl>
      )}

      {payloadSource?.payload !== undefined && (
        <Section title={entry.kind === 'step' ? 'Mutation payload' : 'Payload'}>
          <ErrorBoundary name="Payload">
            <StateTree value={payloadSource.payload} searchable={false} testId="payload-tree" />
          </ErrorBoundary>
        </Section>
      )}

      {entry.kind === 'message' && (
        <Section title={`Mutations (${steps.length})`}>
          {steps.length === 0 && <div class="muted">none</div>}
          {steps.map((s) => (
            <button
              type="button"
              key={s.step}
              class="mutation link"
              data-testid="mutation"
              onClick={() => {
                const e = store.stepEntry(s.pid, s.step);
                if (e) model.activate(e);
              }}
            >
              step {s.step}: {s.mutation?.name ?? '(state change)'}
              {s.broken ? ' (broken)' : ''}
            </button>
          ))}
        </Section>
      )}

      {ins.broken && <div class="warn-box">This step has no state: {ins.broken}</div>}

      <Section title="Diff">
        {lastStep?.stats.walk !== undefined && (
          <div
            class="muted small-note"
            data-testid="full-walk"
            title="Steps of this process normally record only what changed"
          >
            Captured by walking the whole state: {lastStep.stats.walk}
          </div>
        )}
        <ErrorBoundary name="Diff">
          {diff.kind === 'none' ? (
            <div class="muted" data-testid="diff-none">
              {diff.reason}
            </div>
          ) : (
            <DiffView delta={diff.delta} source={diff.kind} fromStep={diff.fromStep} toStep={diff.toStep} />
          )}
        </ErrorBoundary>
      </Section>

      {process?.caps.preview && state && (
        <Section title="Preview">
          <ErrorBoundary name="Preview">
            <LiveViewPreview
              past={{ step: state.step, state: state.value }}
              present={presentOf(store.history.last(entry.pid))}
            />
          </ErrorBoundary>
        </Section>
      )}

      {state && (
        <Section title={`State at step ${state.step}${lastStep ? ` · ${size(lastStep.stats.size)}` : ''}`}>
          <ErrorBoundary name="State">
            <StateTree key={`${entry.pid}:${state.step}`} value={state.value} />
          </ErrorBoundary>
        </Section>
      )}
    </div>
  );
}

const presentOf = (last: { step: number; state: Serialized | undefined } | undefined) =>
  last && { step: last.step, state: last.state };

function Section({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <details class="section" open>
      <summary>{title}</summary>
      <div class="section-body">{children}</div>
    </details>
  );
}
