/**
 * Test-only page (not part of the user-facing UI): opens the panel link for `?tabId=N`
 * and records everything it delivers on `window`, for the end-to-end tests to read.
 */
import type { HookEvent } from '../../runtime-hook/protocol';
import { connectLink } from './link';
import type { LinkStatus, PanelLink, SessionInfo } from './link-types';

interface ProbeState {
  sessions: SessionInfo[];
  events: HookEvent[];
  dropped: { where: string; reason: string; count: number }[];
  ignored: { reason: string; count: number }[];
  statuses: LinkStatus[];
  link: PanelLink | null;
}

const probe: ProbeState = { sessions: [], events: [], dropped: [], ignored: [], statuses: [], link: null };
(globalThis as { __probe?: ProbeState }).__probe = probe;

const tabId = Number(new URLSearchParams(location.search).get('tabId'));
if (Number.isSafeInteger(tabId) && tabId >= 0) {
  probe.link = connectLink(tabId, {
    session: (info) => {
      probe.sessions.push(info);
      probe.events = [];
    },
    events: (events) => {
      for (const e of events) probe.events.push(e);
    },
    dropped: (d) => probe.dropped.push(d),
    ignored: (d) => probe.ignored.push(d),
    status: (s) => probe.statuses.push(s),
  });
}
