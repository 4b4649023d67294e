/**
 * MAIN-world content script (document_start, before the page's own scripts): installs a
 * `__REDUX_DEVTOOLS_EXTENSION__`-compatible global and its compose helper, so apps written
 * for Redux DevTools (Redux Toolkit, Zustand's devtools middleware, NgRx, …) report to
 * Hindsight with no code change; and watches `window.liveSocket`, so Phoenix LiveView apps
 * do too.
 *
 * - Steps aside when the globals already exist (Redux DevTools itself injected first; if it
 *   injects after us it simply replaces them).
 * - Does no work until used: the hook is created on the app's first call, and that hook
 *   stays silent until the extension connects.
 * - Off switch: the panel's setting lives in extension storage, which a MAIN-world script
 *   cannot read. The isolated content script mirrors it into this origin's localStorage
 *   (`OFF_KEY`), which is readable here synchronously; a change applies on the next load.
 */
import { watchLiveSocket } from '../runtime-hook/adapters/liveview';
import { installReduxDevtools } from '../runtime-hook/adapters/redux-devtools';
import { COMPAT_OFF_KEY } from './compat-setting';

function switchedOff(): boolean {
  try {
    return localStorage.getItem(COMPAT_OFF_KEY) === '1';
  } catch {
    return false;
  }
}

if (!switchedOff()) {
  installReduxDevtools(window as unknown as Record<string, unknown>);
  // Phoenix apps publish their LiveSocket as `window.liveSocket` (generated app.js does):
  // observe it as soon as it is set, with no change to the app.
  watchLiveSocket();
}
