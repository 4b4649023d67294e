/**
 * Test pages for LiveView: the app bundle built with Vite's JS API for one client version
 * (the entry imports `plv10`; an alias swaps in the client under test), and the HTML a
 * LiveView server would have rendered, rebuilt from a recorded join.
 */
import { fileURLToPath } from 'node:url';
import { renderHTML } from '../../../runtime-hook/liveview/rendered';
import { iifeBundle } from '../../support/iife-bundle';
import type { Frame } from './liveview-transcript';

export type ClientVersion = '0.20' | '1.0' | '1.2';
const PACKAGE: Record<ClientVersion, string> = { '0.20': 'plv020', '1.0': 'plv10', '1.2': 'plv12' };
/** app.js with the hook's one line, or the app alone (the extension must find it by itself). */
const ENTRY = {
  hook: fileURLToPath(new URL('./liveview-app-entry.ts', import.meta.url)),
  bare: fileURLToPath(new URL('./liveview-app.ts', import.meta.url)),
};

/** app.js for `client` (built once per run, in memory). */
export function appBundle(client: ClientVersion, opts: { hook?: boolean } = {}): Promise<string> {
  const entry = opts.hook === false ? ENTRY.bare : ENTRY.hook;
  return iifeBundle(entry, { name: 'LiveViewTestApp', alias: { plv10: PACKAGE[client] } });
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The page: the root LiveView's container with the session from the recorded join, and
 * its dead render (the HTML of the join reply) inside, as Phoenix serves it.
 */
export function pageHtml(join: Frame, joinReply: Frame | undefined): string {
  const id = join[2].slice(3);
  const p = (join[4] ?? {}) as { session?: string; static?: string };
  const rendered = (joinReply?.[4] as { response?: { rendered?: unknown } } | undefined)?.response?.rendered;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>LiveView test</title><script defer src="/app.js"></script></head>
<body>
<div id="${attr(id)}" data-phx-main data-phx-session="${attr(p.session ?? '')}" data-phx-static="${attr(p.static ?? '')}">${renderHTML(rendered)}</div>
</body>
</html>`;
}
