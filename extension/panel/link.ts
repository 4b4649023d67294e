/**
 * The panel's transport: one runtime Port `hindsight-panel:<tabId>` to the background,
 * reopened with backoff whenever it drops (an MV3 service worker / event page stopped);
 * ordering, dedupe, acks and resync live in Sequencer. On every (re)connect the background
 * tells the tab's content script a panel is there, which re-sends the page's hello, which
 * makes the Sequencer ask for `sync { since: lastSeq }`.
 */

import { type Command, PANEL_PORT_PREFIX } from '../../runtime-hook/protocol';
import { browser, type Runtime } from '../browser';
import type { LinkHandlers, LinkStatus, PanelLink } from './link-types';
import { type PanelRoute, routeToPanel } from './receive';
import { Sequencer } from './sequencer';

const BACKOFF_MIN_MS = 20;
const BACKOFF_MAX_MS = 1000;

export function connectLink(tabId: number, handlers: LinkHandlers): PanelLink {
  let port: Runtime.Port | null = null;
  let closed = false;
  let backoff = BACKOFF_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let status: LinkStatus | null = null;

  const setStatus = (s: LinkStatus): void => {
    if (s === status) return;
    status = s;
    handlers.status(s);
  };

  const post = (session: string, cmd: Command): void => {
    if (!port) return;
    try {
      port.postMessage({ kind: 'command', session, cmd });
    } catch {
      // Disconnected; onDisconnect reconnects and the next hello resyncs.
    }
  };

  const seq = new Sequencer({
    session: (info) => handlers.session(info),
    events: (events) => handlers.events(events),
    dropped: (d) => handlers.dropped(d),
    ignored: (d) => handlers.ignored?.(d),
    command: post,
  });

  const route: PanelRoute = {
    hello: (info) => {
      backoff = BACKOFF_MIN_MS;
      setStatus('connected');
      seq.hello(info);
    },
    batch: (b) => seq.batch(b),
    dropped: (d) => handlers.dropped(d),
    gone: () => setStatus('disconnected'),
  };
  const onMessage = (raw: unknown): void => {
    routeToPanel(raw, route);
  };

  const connect = (): void => {
    retryTimer = undefined;
    if (closed) return;
    setStatus('connecting');
    let p: Runtime.Port;
    try {
      p = browser.runtime.connect({ name: PANEL_PORT_PREFIX + tabId });
    } catch {
      // Extension context gone (extension reloaded): nothing to reconnect to.
      setStatus('disconnected');
      return;
    }
    port = p;
    const openedAt = Date.now();
    p.onMessage.addListener(onMessage);
    p.onDisconnect.addListener(() => {
      if (port !== p) return;
      port = null;
      seq.disconnected();
      setStatus('disconnected');
      if (closed) return;
      // A Port that lived a while was a working one: start over from the short delay.
      if (Date.now() - openedAt > BACKOFF_MAX_MS) backoff = BACKOFF_MIN_MS;
      retryTimer = setTimeout(connect, backoff);
      backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
    });
  };

  connect();

  return {
    send(cmd: Command): void {
      const session = seq.session;
      if (session !== null) post(session, cmd);
    },
    close(): void {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      seq.dispose();
      const p = port;
      port = null;
      try {
        p?.disconnect();
      } catch {
        // already gone
      }
    },
  };
}
