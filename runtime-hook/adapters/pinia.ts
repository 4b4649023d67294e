/**
 * Pinia plugin: `pinia.use(hindsightPinia())`. Each store is a process; each action a
 * message (started when called, done when its promise settles or it throws); each change
 * (`$patch` with an object or a function, or a direct assignment) a step, attributed to the
 * innermost action still running on that store. Jump sets `store.$state`; replay calls the
 * action again with its recorded arguments.
 *
 * No import of Pinia or Vue: the plugin only uses the documented store API
 * (`$id`, `$state`, `$onAction`, `$subscribe`).
 */
import type { Adapter } from '../adapter';
import { getHindsight, type Hook, type MessageHandle } from '../hook';

interface PiniaMutation {
  type: 'direct' | 'patch object' | 'patch function' | string;
  storeId: string;
  payload?: unknown;
  events?: unknown;
}
interface PiniaActionContext {
  name: string;
  args: unknown[];
  after(cb: (result: unknown) => void): void;
  onError(cb: (error: unknown) => void): void;
}
/** The part of a Pinia store the plugin uses. */
export interface PiniaStoreLike {
  $id: string;
  $state: Record<string, unknown>;
  $onAction(cb: (ctx: PiniaActionContext) => void, detached?: boolean): () => void;
  $subscribe(
    cb: (mutation: PiniaMutation, state: unknown) => void,
    options?: { detached?: boolean; flush?: 'sync' | 'pre' | 'post' },
  ): () => void;
  [key: string]: unknown;
}
export interface PiniaPluginContextLike {
  store: PiniaStoreLike;
}

export interface HindsightPiniaOptions {
  /** Name a store's process (default: the store id). */
  name?: (id: string) => string;
}

function mutationName(m: PiniaMutation): string {
  if (m.type === 'direct') {
    // Vue's dev builds say which keys changed (`events`); production builds do not.
    const evs = (Array.isArray(m.events) ? m.events : [m.events]) as { key?: unknown }[];
    const keys = [
      ...new Set(evs.map((e) => e?.key).filter((k) => typeof k === 'string' || typeof k === 'number')),
    ];
    return keys.length ? `direct: ${keys.join(', ')}` : 'direct';
  }
  return m.type === 'patch object' || m.type === 'patch function' ? '$patch' : String(m.type);
}

export const piniaAdapter: Adapter<HindsightPiniaOptions, (ctx: PiniaPluginContextLike) => void> = {
  name: 'pinia',
  attach(options, hook) {
    return ({ store }) => {
      const running: MessageHandle[] = [];
      // Pinia state is mutated in place: keep a copy of the live state at the first jump,
      // so "back to present" restores it (the hook's own reference would be the jumped state).
      let live: Record<string, unknown> | undefined;
      let setting = false;
      const proc = hook.process({
        name: options.name ? options.name(store.$id) : store.$id,
        kind: 'store',
        // The serializer reads through Vue's reactive proxy like any object.
        getState: () => store.$state,
        setState: (s, info) => {
          if (info.reason === 'jump' && !live) live = JSON.parse(JSON.stringify(store.$state));
          const next = info.reason === 'present' && live ? live : (s as Record<string, unknown>);
          if (info.reason !== 'jump') live = undefined;
          setting = true;
          try {
            store.$state = next;
          } finally {
            setting = false;
          }
        },
        replay: (m) => {
          const fn = store[m.name];
          if (typeof fn !== 'function') throw new Error(`${store.$id} has no action ${m.name}`);
          const args = (m.payload as { args?: unknown[] } | undefined)?.args;
          return (fn as (...a: unknown[]) => unknown)(...(Array.isArray(args) ? args : []));
        },
      });
      store.$onAction(({ name, args, after, onError }) => {
        if (!hook.active) return;
        const from = running[running.length - 1];
        const msg = proc.queue(name, { args }, 'action', from);
        msg.start();
        running.push(msg);
        const end = (error?: unknown) => {
          const i = running.lastIndexOf(msg);
          if (i >= 0) running.splice(i, 1);
          msg.done(error);
        };
        after(() => end());
        onError((e) => end(e ?? 'error'));
      }, true);
      store.$subscribe(
        (mutation) => {
          if (!setting) live = undefined;
          if (!hook.active) return;
          const payload = mutation.type === 'patch object' ? mutation.payload : undefined;
          proc.step({ name: mutationName(mutation), payload }, undefined, running[running.length - 1]);
        },
        { detached: true, flush: 'sync' },
      );
    };
  },
};

/** `pinia.use(hindsightPinia())`. */
export function hindsightPinia(
  options: HindsightPiniaOptions = {},
  hook: Hook = getHindsight(),
): (ctx: PiniaPluginContextLike) => void {
  return piniaAdapter.attach(options, hook);
}
