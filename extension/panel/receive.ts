/**
 * The panel's gate for Port messages from the background: decode (decodeToPanel), count
 * what does not decode, and hand the rest to the link's handlers. No browser APIs, so the
 * reliability tests' decoder fuzz runs the same code as the panel.
 */
import { decodeToPanel } from '../../runtime-hook/protocol';
import type { SessionInfo } from './link-types';
import type { BatchIn } from './sequencer';

export const DROP_FROM_BACKGROUND = 'malformed message from background';

export interface PanelRoute {
  hello(info: SessionInfo): void;
  batch(b: BatchIn): void;
  dropped(d: { where: 'content' | 'background' | 'panel'; reason: string; count: number }): void;
  gone(): void;
}

/** Route one raw message; returns its kind, or null when it was refused (and counted). */
export function routeToPanel(raw: unknown, to: PanelRoute): string | null {
  const m = decodeToPanel(raw);
  if (!m) {
    to.dropped({ where: 'panel', reason: DROP_FROM_BACKGROUND, count: 1 });
    return null;
  }
  switch (m.kind) {
    case 'hello':
      to.hello({ session: m.session, hook: m.hook, url: m.url, startedAt: m.startedAt });
      break;
    case 'batch':
      to.batch(m);
      break;
    case 'dropped':
      to.dropped({ where: m.where, reason: m.reason, count: m.count });
      break;
    case 'page-gone':
      to.gone();
      break;
  }
  return m.kind;
}
