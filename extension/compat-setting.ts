/**
 * The "Redux DevTools-compatible global" setting. Stored in `storage.local` (shared by the
 * panel and the content scripts) under `COMPAT_STORAGE_KEY`; the isolated content script
 * mirrors it into each page origin's localStorage under `COMPAT_OFF_KEY`, the only place the
 * MAIN-world script can read synchronously at document_start.
 */
export const COMPAT_STORAGE_KEY = 'compatGlobal';
export const COMPAT_OFF_KEY = '__hindsight_compat_off';

/** Mirror the setting into the page's localStorage ('1' = off; absent = on). */
export function mirrorCompatSetting(enabled: boolean): void {
  try {
    if (enabled) localStorage.removeItem(COMPAT_OFF_KEY);
    else localStorage.setItem(COMPAT_OFF_KEY, '1');
  } catch {
    // Storage disabled for this origin: the global stays on (the default).
  }
}
