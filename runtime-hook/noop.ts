/**
 * The production build of the hook: the same API, no work, nothing reported. Stores are
 * the same adapters driven by a hook that records nothing (the real hook module is never
 * imported, so bundlers drop it); the enhancer is the identity.
 */
import { attachFluxStore, type FluxStore, type FluxStoreConfig } from './adapters/flux-store';
import type { Hook, MessageHandle, ProcessHandle } from './hook';

const msg: MessageHandle = { mid: 0, start() {}, done() {} };
const proc: ProcessHandle = { pid: '', queue: () => msg, step() {}, status() {}, exit() {} };
const hook = { active: false, session: '', process: () => proc } as unknown as Hook;

export const HOOK_VERSION = '0.1.0-noop';
export const PROTOCOL_VERSION = 1;
export const getHindsight = (): Hook => hook;
export const hindsightEnhancer = () => (next: unknown) => next;
export const createFluxStore = <S>(config: FluxStoreConfig<S>): FluxStore<S> =>
  attachFluxStore(config as FluxStoreConfig<unknown>, hook) as FluxStore<S>;
export const hindsightPinia = () => () => {};
export const hindsightInspect = () => () => {};
/** Production: no global is installed (apps fall back to their no-devtools path). */
export const installReduxDevtools = () => false;
/** LiveView: nothing is wrapped; the returned detach does nothing. */
export const attachLiveSocket = (): (() => void) => () => {};
export const watchLiveSocket = (): (() => void) => () => {};
