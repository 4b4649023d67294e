/**
 * The HTML of a LiveView step, rebuilt from its recorded state, for an isolated preview.
 * A LiveView process's state is `{ rendered: <merged rendered tree>, streams?, title? }`
 * (runtime-hook/liveview/rendered.ts); the page is rebuilt with the same engine the hook
 * uses, from the revived snapshot.
 *
 * The result only ever goes into an `<iframe sandbox="" srcdoc>`: no scripts, a unique
 * origin, no forms, popups or top navigation. The CSP <meta> comes first, before any of the
 * page's markup, so even an inline handler or an external load that the sandbox would let
 * through is refused (images only from data: URLs; no styles, so CSS cannot load or leak anything).
 */
import { renderHTML, type Streams } from '../../../runtime-hook/liveview/rendered';
import type { Serialized } from '../../../runtime-hook/protocol';
import { revive } from '../../../runtime-hook/serialize';

export const PREVIEW_CSP = "default-src 'none'; img-src data:";
export const PREVIEW_HEAD = `<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}"><meta charset="utf-8">`;

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The srcdoc for one recorded LiveView state, or undefined when it holds no rendered tree. */
export function previewDoc(state: Serialized | undefined): string | undefined {
  if (state === undefined) return undefined;
  const v = revive(state);
  if (!isObj(v) || !isObj(v.rendered)) return undefined;
  const streams = isObj(v.streams) ? (v.streams as Streams) : undefined;
  const title = typeof v.title === 'string' ? `<title>${escapeText(v.title)}</title>` : '';
  return `${PREVIEW_HEAD}${title}${renderHTML(v.rendered, streams)}`;
}
