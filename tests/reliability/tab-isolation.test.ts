/**
 * Tab isolation, in real Chromium with the built extension: two tabs of the same app (same
 * origin, same process names, same pids `p1`, `p2`, …), each with its own state, and one
 * real panel page per tab (openPanelTab with that tab's id).
 *
 * Proves: each panel holds only its own tab's session, processes and states (checked in the
 * model and in the rendered process list), each tab receives only its own panel's commands
 * (every command that reaches a window carries that window's session), and a jump from panel
 * A moves tab A only — then one from panel B moves tab B only.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChromiumHarness, launchChromium } from '../e2e/harness/chromium';
import { pollUntil } from '../e2e/harness/panel';
import type { StaticServer } from '../e2e/harness/server';
import type { App } from './apps/hook-app';
import { mustBeZero, recordReliability } from './lib/figures';
import { serveHookApp } from './lib/pages';

type W = Window & { __app: App; counter: ReturnType<App['store']> };

interface PanelView {
  session: string | null;
  names: string[];
  rows: string[];
  raw: string;
  steps: number;
  travel: (number | null)[];
}

let chrome: ChromiumHarness;
let app: StaticServer;

beforeAll(async () => {
  app = await serveHookApp();
  chrome = await launchChromium();
});

afterAll(async () => {
  await chrome?.close();
  await app?.close();
});

const panelView = (panel: Page): Promise<PanelView> =>
  panel.evaluate(() => {
    type Store = {
      info: { session: string } | null;
      processes: { list(): { name: string; travel: number | null }[] };
      raw: { type: string }[];
    };
    const s = (globalThis as unknown as { __HINDSIGHT_PANEL__: { live: { value: Store } } })
      .__HINDSIGHT_PANEL__.live.value;
    return {
      session: s.info?.session ?? null,
      names: s.processes.list().map((p) => p.name),
      rows: [...document.querySelectorAll('[data-testid=process-row]')].map(
        (r) => r.getAttribute('data-name') ?? '',
      ),
      raw: JSON.stringify(s.raw),
      steps: s.raw.filter((e) => e.type === 'step').length,
      travel: s.processes.list().map((p) => p.travel),
    };
  });

interface Tab {
  label: 'A' | 'B';
  page: Page;
  session: string;
  tabId: number;
  panel: Page;
  /** Process names this tab has. */
  names: string[];
  steps: number;
}

async function openTab(
  label: 'A' | 'B',
  start: number,
  actions: number,
  extra: string[],
): Promise<Omit<Tab, 'tabId' | 'panel'>> {
  const page = await chrome.context.newPage();
  await page.goto(`${app.url}/index.html`);
  await page.waitForFunction(() => typeof (window as unknown as W).__app?.store === 'function');
  await page.evaluate(
    ({ label, start, actions, extra }) => {
      const w = window as unknown as W;
      w.counter = w.__app.store('counter', { tab: `TAB-${label}`, n: start });
      for (let i = 1; i <= actions; i++)
        w.counter.dispatch('inc', { tab: `TAB-${label}` }, { tab: `TAB-${label}`, n: start + i });
      for (const name of extra) w.__app.store(name, { tab: `TAB-${label}` });
    },
    { label, start, actions, extra },
  );
  const session = await page.evaluate(() => (window as unknown as W).__app.hook.session);
  return { label, page, session, names: ['counter', ...extra], steps: actions + 1 + extra.length };
}

it('keeps two tabs of the same app apart: data, rendering and commands', async () => {
  const a0 = await openTab('A', 0, 3, []);
  const b0 = await openTab('B', 100, 2, ['only-in-B']);
  const tabA = await chrome.tabIdOf(a0.page);
  const tabB = await chrome.tabIdOf(b0.page);
  expect(tabA).not.toBe(tabB);
  const a: Tab = { ...a0, tabId: tabA, panel: await chrome.openPanelTab(tabA) };
  const b: Tab = { ...b0, tabId: tabB, panel: await chrome.openPanelTab(tabB) };
  const tabs = [a, b];

  for (const t of tabs) {
    await pollUntil(
      async () => {
        const v = await panelView(t.panel);
        return v.session === t.session && v.steps >= t.steps && v.rows.length >= t.names.length;
      },
      60_000,
      `panel ${t.label} to hold tab ${t.label}`,
    );
  }

  let checks = 0;
  const leaks: string[] = [];
  const check = (ok: boolean, what: string) => {
    checks++;
    if (!ok) leaks.push(what);
  };
  const other = (t: Tab) => (t === a ? b : a);

  /** Each panel shows only its own tab; each tab got only its own session's commands. */
  const checkApart = async (when: string) => {
    for (const t of tabs) {
      const o = other(t);
      const v = await panelView(t.panel);
      check(v.session === t.session, `${when}: panel ${t.label} holds session ${v.session}`);
      check(!v.raw.includes(o.session), `${when}: panel ${t.label} holds tab ${o.label}'s session id`);
      check(!v.raw.includes(`TAB-${o.label}`), `${when}: panel ${t.label} holds tab ${o.label}'s state`);
      check(
        [...v.names].sort().join() === [...t.names].sort().join(),
        `${when}: panel ${t.label} processes ${v.names.join()}`,
      );
      check(
        [...v.rows].sort().join() === [...t.names].sort().join(),
        `${when}: panel ${t.label} rows ${v.rows.join()}`,
      );
      const cmds = await t.page.evaluate(() => (window as unknown as W).__app.commands.slice());
      check(cmds.length > 0, `${when}: tab ${t.label} got no commands at all`);
      for (const c of cmds)
        check(c.fromSelf && c.session === t.session, `${when}: tab ${t.label} got ${JSON.stringify(c)}`);
    }
  };
  await checkApart('at start');

  const counterPid = async (t: Tab) => t.page.evaluate(() => (window as unknown as W).counter.pid);
  const stateOf = (t: Tab) =>
    t.page.evaluate(() => (window as unknown as W).counter.state as { tab: string; n: number });
  const jumpsOf = (t: Tab) => t.page.evaluate(() => (window as unknown as W).counter.jumps.slice());
  // Same app, same pid in both tabs: the command's pid alone would not tell them apart.
  expect(await counterPid(a)).toBe(await counterPid(b));
  const pid = await counterPid(a);

  const jumpFrom = (t: Tab, step: number) =>
    t.panel.evaluate(
      ([p, s]) =>
        (
          globalThis as unknown as { __HINDSIGHT_PANEL__: { jump(p: string, s: number): boolean } }
        ).__HINDSIGHT_PANEL__.jump(p, s),
      [pid, step] as const,
    );

  // Panel A jumps its counter to step 0: tab A moves there, tab B does not move at all.
  expect(await jumpFrom(a, 0)).toBe(true);
  await pollUntil(async () => (await stateOf(a)).n === 0, 20_000, 'tab A at step 0');
  await pollUntil(
    async () => (await panelView(a.panel)).travel.includes(0),
    20_000,
    'panel A sees the travel',
  );
  // Give a stray command every chance to arrive before looking at tab B.
  await new Promise((r) => setTimeout(r, 500));
  check((await stateOf(b)).n === 102, 'panel A jump changed tab B');
  check((await jumpsOf(b)).length === 0, 'panel A jump reached tab B');
  check(!(await panelView(b.panel)).travel.includes(0), 'panel B shows tab A travel');
  await checkApart('after panel A jumped');

  // And back the other way: panel B jumps to its step 1.
  expect(await jumpFrom(b, 1)).toBe(true);
  await pollUntil(async () => (await stateOf(b)).n === 101, 20_000, 'tab B at step 1');
  await new Promise((r) => setTimeout(r, 500));
  check((await stateOf(a)).n === 0, 'panel B jump changed tab A');
  check((await jumpsOf(a)).length === 1, 'panel B jump reached tab A');
  check((await jumpsOf(b)).length === 1, 'tab B jumped other than once');
  await checkApart('after panel B jumped');

  recordReliability('tab-isolation', [
    {
      name: 'tab_checks',
      value: checks,
      unit: 'count',
      note: 'panel data, rows and commands checked per tab, 2 tabs, 2 jumps',
    },
    {
      name: 'tab_leaks',
      value: leaks.length,
      unit: 'count',
      target: mustBeZero,
      note: 'one tab’s data in the other’s panel, or a command in the wrong tab',
      detail: { leaks },
    },
  ]);
  expect(leaks).toEqual([]);
  for (const t of tabs) {
    await t.panel.close();
    await t.page.close();
  }
});
