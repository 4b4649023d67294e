/**
 * The one module that knows which browser we run in. Everything else imports `browser`
 * (webextension-polyfill: promise-based `browser.*` on Chrome, native on Firefox) and the
 * few helpers below instead of touching `chrome.*` directly.
 */
import browser from 'webextension-polyfill';

export type { Runtime } from 'webextension-polyfill';
export { browser };

/** True in Firefox (its `runtime.getBrowserInfo` exists only there). */
export const isFirefox =
  typeof (browser.runtime as { getBrowserInfo?: unknown }).getBrowserInfo === 'function';

/** The inspected tab, when running inside a DevTools page/panel; null elsewhere. */
export function inspectedTabId(): number | null {
  const dt = (browser as { devtools?: { inspectedWindow?: { tabId?: number } } }).devtools;
  return typeof dt?.inspectedWindow?.tabId === 'number' ? dt.inspectedWindow.tabId : null;
}

export type ThemeName = 'light' | 'dark';

/** DevTools theme ('dark' or light), and a subscription to changes where the browser offers one. */
export function devtoolsTheme(onChange?: (t: ThemeName) => void): ThemeName {
  const panels = (browser as { devtools?: { panels?: { themeName?: string; onThemeChanged?: unknown } } })
    .devtools?.panels;
  const map = (n: string | undefined): ThemeName => (n === 'dark' ? 'dark' : 'light');
  const ev = panels?.onThemeChanged as { addListener?: (cb: (n: string) => void) => void } | undefined;
  if (onChange && ev?.addListener) ev.addListener((n) => onChange(map(n)));
  if (panels?.themeName) return map(panels.themeName);
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
    ? 'dark'
    : 'light';
}
