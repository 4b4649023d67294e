/**
 * Installs Hindsight's `__REDUX_DEVTOOLS_EXTENSION__` globals on `globalThis` (made to look
 * like `window`, which Redux Toolkit and Zustand look for) before those libraries load. The
 * globals talk to whichever FakeExtension's hook the current test made with `freshExt()`.
 */
import { installReduxDevtools } from '../../runtime-hook/adapters/redux-devtools';
import { FakeExtension } from './fake-extension';

const g = globalThis as unknown as Record<string, unknown>;
if (g.window === undefined) g.window = globalThis;

let current: FakeExtension | undefined;

export const installed = installReduxDevtools(g, () => {
  if (!current) current = new FakeExtension();
  return current.hook;
});

/** A new FakeExtension the globals now report to (not yet connected). */
export function freshExt(): FakeExtension {
  current = new FakeExtension();
  return current;
}
