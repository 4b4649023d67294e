/**
 * Hindsight runtime hook: public API.
 *
 *   import { getHindsight, createFluxStore, hindsightEnhancer } from 'hindsight-hook';
 *
 * Production builds resolve this package to ./noop.ts (the `production` export condition,
 * honoured by Vite, webpack and esbuild), so the hook compiles out entirely.
 */
export type { Adapter } from './adapter';
export {
  type ActionContext,
  createFluxStore,
  type FluxStore,
  type FluxStoreConfig,
  fluxStoreAdapter,
} from './adapters/flux-store';
export {
  attachLiveSocket,
  type LiveSocketLike,
  type LiveViewAdapterOptions,
  liveViewAdapter,
  watchLiveSocket,
} from './adapters/liveview';
export { hindsightPinia, piniaAdapter } from './adapters/pinia';
export { hindsightEnhancer, reduxAdapter } from './adapters/redux';
export {
  createReduxDevtools,
  type DevtoolsConnection,
  type DevtoolsMessage,
  type DevtoolsOptions,
  installReduxDevtools,
  reduxDevtoolsAdapter,
} from './adapters/redux-devtools';
export { hindsightInspect, xstateAdapter } from './adapters/xstate';
export {
  getHindsight,
  HOOK_VERSION,
  type Hook,
  type HookOptions,
  type MessageHandle,
  type ProcessHandle,
  type ProcessOptions,
} from './hook';
export { PROTOCOL_VERSION } from './protocol';
