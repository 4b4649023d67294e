/**
 * The extension's gates: what each relay accepts, refuses (counted, with a reason) or
 * leaves alone. Pure functions of the incoming data, with no browser APIs, so the content
 * script, the background and the reliability tests (decoder fuzz) run the very same checks.
 * Everything that crosses a boundary is untrusted until it passes one of these.
 */
import {
  decodeFromPanel,
  decodePageEnvelope,
  decodeToPanel,
  type FromContent,
  type FromPanel,
  MAX_BODY_CHARS,
  PAGE_SOURCE,
  type PageEnvelope,
  PROTOCOL_VERSION,
} from '../runtime-hook/protocol';

/** Reasons a refused message is counted under (shown in the panel's toolbar). */
export const DROP = {
  notFromPage: 'not from the page window',
  version: 'protocol version mismatch',
  tooLarge: 'batch too large',
  malformed: 'malformed envelope',
  fromContent: 'malformed message from content script',
  fromPanel: 'malformed command from the panel',
} as const;

export type Verdict<T> = { accept: T } | { drop: string } | { ignore: true };

function isTagged(data: unknown): data is Record<string, unknown> {
  try {
    return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === PAGE_SOURCE;
  } catch {
    return false;
  }
}

/**
 * A window message seen by the content script. Untagged data is the app's own: ignored,
 * not counted. Tagged data is accepted only from the page's own window (`fromPageWindow`:
 * `event.source === window`, never a frame's) with this protocol version and a valid shape.
 */
export function judgePageMessage(data: unknown, fromPageWindow: boolean): Verdict<PageEnvelope> {
  if (!isTagged(data)) return { ignore: true };
  if (!fromPageWindow) return { drop: DROP.notFromPage };
  const env = decodePageEnvelope(data);
  if (env) return { accept: env };
  if (data.v !== PROTOCOL_VERSION) return { drop: DROP.version };
  if (data.kind === 'batch' && typeof data.body === 'string' && data.body.length > MAX_BODY_CHARS)
    return { drop: DROP.tooLarge };
  return { drop: DROP.malformed };
}

/** A Port message from a content script to the background (forwarded to that tab's panels). */
export function judgeFromContent(raw: unknown): Verdict<FromContent> {
  const msg = decodeToPanel(raw);
  if (!msg || msg.kind === 'page-gone') return { drop: DROP.fromContent };
  return { accept: msg };
}

/** A Port message from a panel to the background (forwarded to that tab's content script). */
export function judgeFromPanel(raw: unknown): Verdict<FromPanel> {
  const msg = decodeFromPanel(raw);
  return msg ? { accept: msg } : { drop: DROP.fromPanel };
}
