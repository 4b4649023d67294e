/**
 * The seam between the panel's transport (link.ts: port, reconnects, dedupe, acks, resync)
 * and the panel's models. The link hands the models each event exactly once, in seq order.
 */
import type { Command, HookEvent } from '../../runtime-hook/protocol';

export interface SessionInfo {
  session: string;
  hook: string;
  url: string;
  startedAt: number;
}

export type LinkStatus = 'connecting' | 'connected' | 'disconnected';

export interface LinkHandlers {
  /** A page session announced itself. A different `session` than before means the page reloaded. */
  session(info: SessionInfo): void;
  /** Events of the current session, contiguous and in seq order, each delivered once. */
  events(events: HookEvent[]): void;
  /** Something was dropped on the way (bad shape, oversize, undecodable event): counted, shown. */
  dropped(d: { where: 'content' | 'background' | 'panel'; reason: string; count: number }): void;
  /**
   * Events refused without loss: already held (a resend, or a replay of old sequence
   * numbers) or of another session. Counted apart from drops (see sequencer.ts).
   */
  ignored?(d: { reason: string; count: number }): void;
  status(s: LinkStatus): void;
}

export interface PanelLink {
  /** Send a command to the page of the current session (no-op before a session is known). */
  send(cmd: Command): void;
  close(): void;
}
