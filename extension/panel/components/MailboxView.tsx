/**
 * The focused process's mailbox: messages queued and not yet started, with live wait
 * times (ticking ~4×/s only while something waits), and depth over time.
 */
import { useEffect, useState } from 'preact/hooks';
import { ms } from '../lib/format';
import type { PanelModel } from '../models/panel';
import { Sparkline } from './Sparkline';

const SHOWN = 50;

export function MailboxView({ model }: { model: PanelModel }) {
  const store = model.view.value;
  store.version.value;
  const focus = model.focusPid.value;
  const row = (focus ? store.processes.get(focus) : undefined) ?? store.processes.list()[0];
  const waiting = row ? row.waiting.size : 0;
  const [now, setNow] = useState(() => Date.now());
  const ticking = waiting > 0 && !store.viewOnly;
  useEffect(() => {
    if (!ticking) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [ticking]);
  if (!row) {
    return (
      <div class="mailbox" data-testid="mailbox">
        <div class="section-head">Mailbox</div>
        <div class="empty muted">No process.</div>
      </div>
    );
  }
  const series = row.series.points();
  const mids = [...row.waiting].slice(0, SHOWN);
  return (
    <div class="mailbox" data-testid="mailbox" data-pid={row.pid}>
      <div class="section-head">
        <span>
          Mailbox · {row.name}: {waiting} waiting{row.running ? `, ${row.running} running` : ''}
        </span>
      </div>
      <Sparkline t={series.t} v={series.depth} />
      <ol class="mb-list">
        {mids.map((mid) => {
          const m = store.messages.get(mid);
          if (!m) return null;
          // An imported session has no "now": show the wait up to the end of the recording.
          const until = store.viewOnly ? (store.lastEvent?.t ?? m.queuedAt) : now;
          return (
            <li key={mid} data-testid="mailbox-item" data-mid={mid}>
              <button type="button" class="link" onClick={() => model.select(m.seq)}>
                {m.name}
              </button>
              <span class="muted"> waiting {ms(until - m.queuedAt)}</span>
            </li>
          );
        })}
      </ol>
      {waiting > SHOWN && <div class="muted">+{waiting - SHOWN} more</div>}
    </div>
  );
}
