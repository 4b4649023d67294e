/**
 * Hostile values never throw into the app, and never pollute the panel: in real Chromium
 * with the built extension, an app reports a 100 MB string, a 10-million-element array,
 * 10,000-deep nesting, cyclic graphs, throwing getters and Proxy traps, a revoked Proxy,
 * frozen objects and `__proto__` / `constructor` keys — as states (full and as changes of an
 * immutable and of a mutable store), message payloads, mutation payloads and errors, through
 * the hook's API and through the Redux DevTools–compatible global. Then the panel inspects
 * every step and message, and a jump brings the `__proto__` state back to the app.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChromiumHarness, launchChromium } from '../e2e/harness/chromium';
import { pollUntil } from '../e2e/harness/panel';
import type { StaticServer } from '../e2e/harness/server';
import type { App } from './apps/hook-app';
import { mustBeZero, recordReliability } from './lib/figures';
import { serveHookApp } from './lib/pages';

type W = Window & {
  __app: App;
  __REDUX_DEVTOOLS_EXTENSION__?: {
    connect(o: { name: string }): { init(s: unknown): void; send(a: unknown, s: unknown): void };
  };
  hostile: { pid: string; name: string }[];
};

let chrome: ChromiumHarness;
let server: StaticServer;
let app: Page;
let panel: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await serveHookApp();
  chrome = await launchChromium();
  app = await chrome.context.newPage();
  app.on('pageerror', (e) => pageErrors.push(String(e)));
  await app.goto(`${server.url}/index.html`);
  await app.waitForFunction(() => typeof (window as unknown as W).__app?.store === 'function');
  panel = await chrome.openPanelTab(await chrome.tabIdOf(app));
  await panel.waitForFunction(
    () =>
      (globalThis as { __HINDSIGHT_PANEL__?: { linkStatus: { value: string } } }).__HINDSIGHT_PANEL__
        ?.linkStatus.value === 'connected',
  );
});

afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

/** Runs in the page: every hostile value through every way the app can report it. */
function feedHostile(): {
  tried: number;
  throws: string[];
  longestMs: number;
  pollutedPage: string[];
  slowest: [string, number][];
} {
  const w = window as unknown as W;
  const hook = w.__app.hook;
  const throws: string[] = [];
  let tried = 0;
  let longestMs = 0;
  const times: [string, number][] = [];
  /** Run one report with values made beforehand (making a 100 MB string is not the hook's time). */
  const guard = <V>(what: string, make: () => V, fn: (v: V) => void) => {
    tried++;
    let v: V;
    try {
      v = make();
    } catch (e) {
      throws.push(`${what}: making the value: ${String(e).slice(0, 200)}`);
      return;
    }
    const t0 = performance.now();
    try {
      fn(v);
    } catch (e) {
      throws.push(`${what}: ${String(e).slice(0, 200)}`);
    }
    const ms = performance.now() - t0;
    times.push([what, Math.round(ms)]);
    longestMs = Math.max(longestMs, ms);
  };
  const none = () => undefined;

  // `repeat` builds a rope that the first reader flattens (copies whole); an app's big
  // string (read from a file or the network) is flat already. Read it once here.
  const flat = (x: string) => {
    x.charCodeAt(x.length >> 1);
    return x;
  };
  const deep = (n: number) => {
    let o: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < n; i++) o = { a: o };
    return o;
  };
  const deepArray = (n: number) => {
    let a: unknown[] = [1];
    for (let i = 0; i < n; i++) a = [a];
    return a;
  };
  const cyclic = () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { name: 'b', a };
    a.b = b;
    a.self = a;
    a.list = [a, b, { back: b }];
    return a;
  };
  const throwingGetter = () => {
    const o = { ok: 1 };
    Object.defineProperty(o, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter says no');
      },
    });
    return o;
  };
  const throwingProxy = () =>
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('ownKeys trap');
        },
        get() {
          throw new Error('get trap');
        },
        getPrototypeOf() {
          throw new Error('getPrototypeOf trap');
        },
        has() {
          throw new Error('has trap');
        },
      },
    );
  const keysThenThrow = () =>
    new Proxy(
      { x: 1, y: 2 },
      {
        get(t, k) {
          if (k === 'y') throw new Error('get y');
          return Reflect.get(t, k);
        },
      },
    );
  const revoked = () => {
    const r = Proxy.revocable({ secret: 1 }, {});
    r.revoke();
    return r.proxy;
  };
  const hostileError = () => {
    const e = new Error('x');
    Object.defineProperty(e, 'message', {
      get() {
        throw new Error('message getter');
      },
    });
    return e;
  };
  const values: [string, () => unknown][] = [
    ['100 MB string', () => flat('x'.repeat(100 * 1024 * 1024))],
    ['10-million-element array', () => new Array(10_000_000).fill(7)],
    ['10,000-deep object', () => deep(10_000)],
    ['10,000-deep array', () => deepArray(10_000)],
    ['cyclic graph', cyclic],
    ['throwing getter', throwingGetter],
    ['throwing Proxy', throwingProxy],
    ['Proxy throwing on one key', keysThenThrow],
    ['revoked Proxy', revoked],
    ['frozen', () => Object.freeze({ a: Object.freeze([1, 2, Object.freeze({ b: 3 })]) })],
    [
      '__proto__ and constructor keys',
      () =>
        JSON.parse(
          '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted2":"yes"}},"nested":{"__proto__":{"polluted3":"yes"}}}',
        ),
    ],
    ['throwing Error', hostileError],
  ];

  w.hostile = [];
  for (const [name, make] of values) {
    // A mutable store (full walks) and an immutable one (reference-skipping capture), each
    // starting plain and then holding the hostile value, then changing beside it.
    for (const immutable of [false, true]) {
      let state: unknown = { plain: 1 };
      const label = `${name} (${immutable ? 'immutable' : 'mutable'})`;
      let handle: ReturnType<typeof hook.process> | undefined;
      guard(`${label}: process`, none, () => {
        handle = hook.process({
          name: label,
          kind: 'store',
          immutable,
          getState: () => state,
          setState: (s) => {
            state = s;
          },
        });
      });
      if (!handle) continue;
      w.hostile.push({ pid: handle.pid, name: label });
      const h = handle;
      guard(`${label}: state`, make, (v) => {
        const m = h.queue('hold', { what: name });
        m.start();
        state = { plain: 1, value: v };
        h.step({ name: 'hold' }, undefined, m);
        m.done();
      });
      guard(`${label}: change beside it`, make, (v) => {
        const prev = state as Record<string, unknown>;
        state = immutable ? { ...prev, plain: 2 } : prev;
        if (!immutable && !Object.isFrozen(prev)) prev.plain = 2;
        h.step({ name: 'beside', payload: v });
      });
      guard(
        `${label}: payload and error`,
        () => [make(), make()],
        ([payload, error]) => {
          const m = h.queue('payload', payload);
          m.start();
          m.done(error);
        },
      );
      guard(`${label}: replace`, make, (v) => {
        state = v;
        h.step({ name: 'replace' });
      });
    }
    // The Redux DevTools–compatible global, as Zustand or NgRx apps call it.
    guard(
      `${name}: Redux DevTools global`,
      () => [make(), make()],
      ([payload, value]) => {
        const c = w.__REDUX_DEVTOOLS_EXTENSION__?.connect({ name: `redux ${name}` });
        if (!c) throw new Error('no Redux DevTools-compatible global');
        c.init({ plain: 1 });
        c.send({ type: 'hostile', payload }, { plain: 1, value });
      },
    );
  }
  hook.notice('END-OF-HOSTILE');
  const probe = {} as Record<string, unknown>;
  const pollutedPage = ['polluted', 'polluted2', 'polluted3'].filter((k) => probe[k] !== undefined);
  const slowest = times.sort((a, b) => b[1] - a[1]).slice(0, 8);
  return { tried, throws, longestMs, pollutedPage, slowest };
}

it('hostile values never throw into the app and never pollute the panel', async () => {
  const fed = await app.evaluate(feedHostile);
  const processes = await app.evaluate(() => (window as unknown as W).hostile);
  await pollUntil(
    () =>
      panel.evaluate(() =>
        (
          globalThis as unknown as {
            __HINDSIGHT_PANEL__: { live: { value: { raw: { type: string; text?: string }[] } } };
          }
        ).__HINDSIGHT_PANEL__.live.value.raw.some((e) => e.type === 'notice' && e.text === 'END-OF-HOSTILE'),
      ),
    120_000,
    'the hostile values in the panel',
  ).catch(async (e) => {
    // Say where the stream stopped: the panel's drop counters name the stage that refused.
    const drops = await panel.evaluate(() =>
      JSON.stringify(
        (globalThis as unknown as { __HINDSIGHT_PANEL__: { drops: { value: unknown } } }).__HINDSIGHT_PANEL__
          .drops.value,
      ),
    );
    throw new Error(`${e}; panel drops: ${drops}`);
  });
  // Inspect every entry of every hostile process in the panel (state tree, payload, diff).
  const walked = await panel.evaluate(
    async (pids) => {
      type E = { seq: number; pid: string };
      const m = (
        globalThis as unknown as {
          __HINDSIGHT_PANEL__: {
            live: { value: { timeline: { toArray(): E[] }; processes: { get(p: string): unknown } } };
            select(seq: number): void;
          };
        }
      ).__HINDSIGHT_PANEL__;
      const want = new Set(pids);
      let entries = 0;
      let failures = 0;
      for (const e of m.live.value.timeline.toArray()) {
        if (!want.has(e.pid)) continue;
        m.select(e.seq);
        const deadline = Date.now() + 10_000;
        for (;;) {
          const ins = document.querySelector('[data-testid=inspector]');
          if (ins?.getAttribute('data-seq') === String(e.seq) || Date.now() > deadline) break;
          await new Promise((r) => setTimeout(r, 5));
        }
        entries++;
        failures += document.querySelectorAll('[data-testid=error-boundary]').length;
      }
      const probe = {} as Record<string, unknown>;
      return {
        entries,
        failures,
        processes: [...want].filter((p) => m.live.value.processes.get(p)).length,
        polluted: ['polluted', 'polluted2', 'polluted3'].filter((k) => probe[k] !== undefined),
        protoKeys: Object.getOwnPropertyNames(Object.prototype).length,
      };
    },
    processes.map((p) => p.pid),
  );
  const baselineProtoKeys = await app.evaluate(() => Object.getOwnPropertyNames(Object.prototype).length);

  // A jump brings the __proto__ state back to the app as own keys, polluting nothing.
  const target = processes.find((p) => p.name === '__proto__ and constructor keys (mutable)')!;
  await panel.evaluate(
    (pid) =>
      (
        globalThis as unknown as { __HINDSIGHT_PANEL__: { jump(p: string, s: number): boolean } }
      ).__HINDSIGHT_PANEL__.jump(pid, 1),
    target.pid,
  );
  await pollUntil(
    () => app.evaluate(() => (window as unknown as W).__app.commands.some((c) => c.type === 'jump')),
    20_000,
    'the jump in the app',
  );
  const jumped = await app.evaluate(() => {
    const probe = {} as Record<string, unknown>;
    return {
      polluted: ['polluted', 'polluted2', 'polluted3'].filter((k) => probe[k] !== undefined),
    };
  });

  const polluted = fed.pollutedPage.length + walked.polluted.length + jumped.polluted.length;
  recordReliability('hostile-values', [
    {
      name: 'hostile_values_tried',
      value: fed.tried,
      unit: 'count',
      note: '12 hostile kinds × (mutable and immutable store: process, state, change beside it, payload + error, replace) + the Redux DevTools global',
    },
    {
      name: 'hostile_throws_into_app',
      value: fed.throws.length + pageErrors.length,
      unit: 'count',
      target: mustBeZero,
      note: 'exceptions that reached the app from a report, and page errors',
      detail: { throws: fed.throws, pageErrors },
    },
    {
      name: 'prototype_pollution',
      value: polluted,
      unit: 'count',
      target: mustBeZero,
      note: 'Object.prototype keys set in the page (after reports and a jump) or in the panel (after inspecting all)',
    },
    {
      name: 'hostile_panel_failures',
      value: walked.failures,
      unit: 'count',
      target: mustBeZero,
      note: `error boundaries while inspecting ${walked.entries} entries of ${walked.processes} hostile processes`,
    },
    {
      name: 'hostile_longest_report_ms',
      value: Math.round(fed.longestMs),
      unit: 'ms',
      note: `longest single report call in the page (the hostile value made beforehand): ${fed.slowest
        .slice(0, 3)
        .map(([w, ms]) => `${w} ${ms} ms`)
        .join('; ')}`,
      detail: { slowest: fed.slowest },
    },
  ]);
  expect(fed.throws).toEqual([]);
  expect(pageErrors).toEqual([]);
  expect(fed.pollutedPage).toEqual([]);
  expect(walked.polluted).toEqual([]);
  expect(jumped.polluted).toEqual([]);
  expect(walked.protoKeys).toBe(baselineProtoKeys);
  expect(walked.failures).toBe(0);
  expect(walked.processes).toBe(processes.length);
  expect(processes.length).toBe(24);
  expect(walked.entries).toBeGreaterThanOrEqual(processes.length * 5);
});
