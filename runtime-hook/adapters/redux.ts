/**
 * Redux-style store enhancer: every dispatched action is a message of the store's process
 * and each state change a step named by the action type. Redux states are immutable, so
 * each step's capture visits only the subtrees whose references changed.
 */
import type { Adapter } from '../adapter';
import { immutableCapture } from '../capture';
import { getHindsight, type Hook } from '../hook';

type Action = { type: string; [k: string]: unknown };
type Reducer<S = unknown> = (state: S | undefined, action: Action) => S;
interface Store<S = unknown> {
  getState(): S;
  dispatch(action: Action): unknown;
  subscribe(l: () => void): () => void;
  replaceReducer(r: Reducer<S>): void;
}
type StoreCreator = (reducer: Reducer, preloaded?: unknown, enhancer?: unknown) => Store;

const SET_STATE = '@@hindsight/SET_STATE';

export const reduxAdapter: Adapter<{ name?: string }, (next: StoreCreator) => StoreCreator> = {
  name: 'redux',
  attach(options, hook) {
    return (next) => (reducer, preloaded) => {
      const lift =
        (r: Reducer): Reducer =>
        (s, a) =>
          a.type === SET_STATE ? (a.state as unknown) : r(s, a);
      const store = next(lift(reducer), preloaded);
      const proc = hook.process({
        name: options.name ?? 'redux store',
        kind: 'store',
        // Each step visits only the subtrees whose references changed (capture.ts).
        capture: immutableCapture(),
        getState: store.getState,
        // Straight to the inner store: a jump is not an action of the app.
        setState: (state) => store.dispatch({ type: SET_STATE, state }),
        replay: (m) => dispatch(m.payload as Action),
      });
      const dispatch = (action: Action): unknown => {
        if (!hook.active) return store.dispatch(action);
        const before = store.getState();
        const msg = proc.queue(action?.type, action, 'action');
        msg.start();
        try {
          const r = store.dispatch(action);
          const after = store.getState();
          if (after !== before) proc.step({ name: String(action.type) }, after, msg);
          msg.done();
          return r;
        } catch (e) {
          msg.done(e);
          throw e;
        }
      };
      return { ...store, dispatch, replaceReducer: (r: Reducer) => store.replaceReducer(lift(r)) };
    };
  },
};

/**
 * `createStore(reducer, hindsightEnhancer({ name }))` or inside `compose(...)`. Typed as a
 * store-shape-preserving enhancer so it fits Redux's `StoreEnhancer` without importing Redux.
 */
export function hindsightEnhancer(
  options: { name?: string } = {},
  hook: Hook = getHindsight(),
): <T>(next: T) => T {
  return reduxAdapter.attach(options, hook) as unknown as <T>(next: T) => T;
}
