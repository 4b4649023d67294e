/**
 * Spoofing, in real Chromium with the built extension and the real panel page: an app with
 * the real hook embeds a cross-origin iframe (a second 127.0.0.1 port) and a same-origin
 * iframe. Each frame forges Hindsight messages (our source tag) into the top window and into
 * its own window: a hello of another session, a batch at the next sequence number, a replay
 * of old sequence numbers, a newer protocol version, a broken envelope, and commands to the
 * hook (`hindsight-ext`: a jump, a connect). The page itself (any script on it) then sends
 * tagged envelopes of the wrong shape and protocol version, replays old sequence numbers of
 * the live session, and sends a batch of a session that is not the page's.
 *
 * Proves: nothing forged reaches the panel's model as data (no forged process, session or
 * event; the hook's store never jumps), every forged message that reached a relay is counted
 * where the developer sees it (the toolbar's drop counter; replays and foreign sessions as
 * "ignored"), and the real stream goes on untouched (all steps arrive, a real jump works).
 */
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DROP } from '../../extension/gate';
import { IGNORED_HELD, IGNORED_OTHER_SESSION } from '../../extension/panel/sequencer';
import { EXT_SOURCE, PAGE_SOURCE } from '../../runtime-hook/protocol';
import { type ChromiumHarness, launchChromium } from '../e2e/harness/chromium';
import { pollUntil } from '../e2e/harness/panel';
import { type StaticServer, startStaticServer } from '../e2e/harness/server';
import type { App } from './apps/hook-app';
import { mustBeZero, recordReliability } from './lib/figures';
import { page as html, serveHookApp } from './lib/pages';

type W = Window & { __app: App; bank: ReturnType<App['store']> };

interface PanelView {
  session: string | null;
  names: string[];
  raw: string;
  steps: number;
  drops: { where: string; reason: string; count: number }[];
  dropsText: string;
  ignoredText: string;
}

let chrome: ChromiumHarness;
let app: StaticServer;
let other: StaticServer;

beforeAll(async () => {
  const frame = html('<p>frame</p>', []);
  other = await startStaticServer({ '/frame.html': frame });
  app = await serveHookApp({
    '/spoof.html': html(
      '<p>bank</p><iframe id="same" src="/frame.html"></iframe><iframe id="cross"></iframe>',
    ),
    '/frame.html': frame,
  });
  chrome = await launchChromium();
});

afterAll(async () => {
  await chrome?.close();
  await app?.close();
  await other?.close();
});

const panelView = (panel: Page): Promise<PanelView> =>
  panel.evaluate(() => {
    type Store = {
      info: { session: string } | null;
      processes: { list(): { name: string }[] };
      raw: { type: string }[];
    };
    const m = (
      globalThis as unknown as {
        __HINDSIGHT_PANEL__: {
          live: { value: Store };
          drops: { value: { where: string; reason: string; count: number }[] };
        };
      }
    ).__HINDSIGHT_PANEL__;
    const s = m.live.value;
    return {
      session: s.info?.session ?? null,
      names: s.processes.list().map((p) => p.name),
      raw: JSON.stringify(s.raw),
      steps: s.raw.filter((e) => e.type === 'step').length,
      drops: m.drops.value.map((d) => ({ ...d })),
      dropsText: document.querySelector('[data-testid=drops]')?.textContent ?? '',
      ignoredText: document.querySelector('[data-testid=ignored]')?.textContent ?? '',
    };
  });

/** The forged messages a frame sends, for the live session `session` whose newest seq is `last`. */
function forgeries(where: string, session: string, last: number, bankPid: string): unknown[] {
  const forgedProcess = (seq: number) => ({
    seq,
    t: 1,
    type: 'process',
    pid: 'p666',
    name: `FORGED-${where}`,
    kind: 'store',
    caps: { jump: true, replay: true },
  });
  return [
    {
      source: PAGE_SOURCE,
      v: 1,
      kind: 'hello',
      session: `forged-${where}`,
      hook: 'evil',
      url: 'http://evil/',
      startedAt: 1,
    },
    {
      source: PAGE_SOURCE,
      v: 1,
      kind: 'batch',
      session,
      first: last + 1,
      count: 1,
      body: JSON.stringify([forgedProcess(last + 1)]),
    },
    {
      source: PAGE_SOURCE,
      v: 1,
      kind: 'batch',
      session,
      first: 1,
      count: 2,
      body: JSON.stringify([forgedProcess(1), forgedProcess(2)]),
    },
    {
      source: PAGE_SOURCE,
      v: 2,
      kind: 'hello',
      session: `forged-${where}`,
      hook: 'evil',
      url: 'http://evil/',
      startedAt: 1,
    },
    { source: PAGE_SOURCE, v: 1, kind: 'batch', session, first: 0, count: 1, body: '[]' },
    {
      source: EXT_SOURCE,
      v: 1,
      kind: 'command',
      session,
      cmd: { type: 'jump', pid: bankPid, step: 0, state: { balance: 1e9, FORGED: where } },
    },
    { source: EXT_SOURCE, v: 1, kind: 'connect' },
  ];
}
/** Of those, the ones a relay in the top window sees (the page-tagged ones). */
const PAGE_TAGGED_PER_SET = 5;

function post(target: Page | Frame, to: 'parent' | 'self', msgs: unknown[]): Promise<void> {
  return target.evaluate(
    ([dest, list]) => {
      const w = dest === 'parent' ? window.parent : window;
      for (const m of list as unknown[]) w.postMessage(m, '*');
    },
    [to, msgs] as const,
  );
}

it('rejects forged messages from frames and the page, counts each kind visibly, and keeps the real stream', async () => {
  const page = await chrome.context.newPage();
  await page.goto(`${app.url}/spoof.html`);
  // The cross-origin frame's address is only known here (a free port).
  await page.evaluate((src) => {
    (document.getElementById('cross') as HTMLIFrameElement).src = src;
  }, `${other.url}/frame.html`);
  await page.waitForFunction(() => typeof (window as unknown as W).__app?.store === 'function');
  await page.evaluate(() => {
    const w = window as unknown as W;
    w.bank = w.__app.store('bank', { balance: 100 });
    for (let i = 1; i <= 3; i++) w.bank.dispatch('deposit', { amount: 10 }, { balance: 100 + 10 * i });
  });
  const session = await page.evaluate(() => (window as unknown as W).__app.hook.session);
  const bankPid = await page.evaluate(() => (window as unknown as W).bank.pid);
  const tabId = await chrome.tabIdOf(page);
  const panel = await chrome.openPanelTab(tabId);

  // The panel holds the real session: the bank and its 4 steps (0 to 3).
  await pollUntil(
    async () => {
      const v = await panelView(panel);
      return v.session === session && v.steps >= 4;
    },
    60_000,
    'the real session in the panel',
  );
  const last = await page.evaluate(() => (window as unknown as W).__app.hook.lastSeq);

  const frameOf = (origin: string) =>
    page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(`${origin}/frame.html`));
  await pollUntil(() => !!frameOf(other.url) && !!frameOf(app.url), 20_000, 'both frames');
  const cross = frameOf(other.url)!;
  const same = frameOf(app.url)!;
  await Promise.all([cross.waitForLoadState(), same.waitForLoadState()]);

  let tried = 0;
  const sets: [Frame, 'parent' | 'self', string][] = [
    [cross, 'parent', 'cross-to-top'],
    [cross, 'self', 'cross-to-self'],
    [same, 'parent', 'same-to-top'],
    [same, 'self', 'same-to-self'],
  ];
  for (const [frame, to, where] of sets) {
    const msgs = forgeries(where, session, last, bankPid);
    tried += msgs.length;
    await post(frame, to, msgs);
  }
  // From the page itself: wrong protocol versions, wrong shapes, a replay, another session.
  const base = { source: PAGE_SOURCE, session, kind: 'batch', first: last + 1, count: 1, body: '[]' };
  const wrongVersion = [
    { ...base, v: 2 },
    { ...base, v: 0 },
    { ...base, v: '1' },
  ];
  const wrongShape = [
    { ...base, v: 1, first: 0 },
    { ...base, v: 1, body: 42 },
    { ...base, v: 1, count: -1 },
    { ...base, v: 1, kind: 'evil' },
    { ...base, v: 1, session: 's'.repeat(65) },
  ];
  const replayBody = JSON.stringify(
    [1, 2].map((seq) => ({ seq, t: 1, type: 'notice', level: 'error', text: 'FORGED-replay' })),
  );
  const replay = [{ ...base, v: 1, first: 1, count: 2, body: replayBody }];
  const foreign = [
    {
      ...base,
      v: 1,
      session: 'forged-session',
      body: JSON.stringify([{ seq: last + 1, t: 1, type: 'notice', level: 'error', text: 'FORGED-session' }]),
    },
  ];
  const fromPage = [...wrongVersion, ...wrongShape, ...replay, ...foreign];
  tried += fromPage.length;
  await post(page, 'self', fromPage);

  // The real stream goes on: two more steps after the storm.
  await page.evaluate(() => {
    const w = window as unknown as W;
    w.bank.dispatch('deposit', { amount: 1 }, { balance: 131 });
    w.bank.dispatch('deposit', { amount: 1 }, { balance: 132 });
  });

  const sum = (v: PanelView, where: string, reason: string) =>
    v.drops.filter((d) => d.where === where && d.reason === reason).reduce((n, d) => n + d.count, 0);
  const expected = {
    notFromPage: 2 * PAGE_TAGGED_PER_SET,
    version: wrongVersion.length,
    malformed: wrongShape.length,
    held: 2,
    otherSession: 1,
  };
  let v = await panelView(panel);
  const counted = (x: PanelView) => ({
    notFromPage: sum(x, 'content', DROP.notFromPage),
    version: sum(x, 'content', DROP.version),
    malformed: sum(x, 'content', DROP.malformed),
    held: sum(x, 'panel', IGNORED_HELD),
    otherSession: sum(x, 'panel', IGNORED_OTHER_SESSION),
  });
  await pollUntil(
    async () => {
      v = await panelView(panel);
      const c = counted(v);
      return v.steps >= 6 && Object.entries(expected).every(([k, n]) => c[k as keyof typeof c] >= n);
    },
    30_000,
    'the real steps and every kind of forgery counted',
  ).catch((e) => {
    throw new Error(
      `${(e as Error).message}: ${JSON.stringify({ counted: counted(v), drops: v.drops, steps: v.steps })}`,
    );
  });
  // Let any late forgery land before looking for it.
  await new Promise((r) => setTimeout(r, 500));
  v = await panelView(panel);
  const c = counted(v);

  // Reached the panel as data: forged processes, sessions or events in the model.
  const forgedInPanel = (v.raw.match(/FORGED/g) ?? []).length;
  const forgedNames = v.names.filter((n) => n.includes('FORGED')).length;
  const wrongSession = v.session === session ? 0 : 1;
  const bank = await page.evaluate(() => {
    const w = window as unknown as W;
    return {
      state: w.bank.state as { balance: number },
      jumps: w.bank.jumps.length,
      rejected: w.__app.hook.rejectedCommands,
      forgedCommandsSeen: w.__app.commands.filter((x) => !x.fromSelf).length,
    };
  });
  const forgedJumps = bank.jumps;
  const reached = forgedInPanel + forgedNames + wrongSession + forgedJumps;
  const countedTotal = Object.values(c).reduce((a, b) => a + b, 0);

  recordReliability('spoofing', [
    {
      name: 'spoofed_tried',
      value: tried,
      unit: 'count',
      note: 'forged messages: 4 frame sets (cross/same origin, to top/own window) + the page',
    },
    {
      name: 'spoofed_rejected',
      value: tried - reached,
      unit: 'count',
      target: { min: tried },
      note: 'forged messages that reached neither the panel model nor the hook',
    },
    {
      name: 'spoofed_reached_panel',
      value: reached,
      unit: 'count',
      target: mustBeZero,
      note: 'forged data in the panel model, a forged session, a forged jump applied',
    },
    {
      name: 'spoofed_counted',
      value: countedTotal,
      unit: 'count',
      note: `visible in the toolbar: ${Object.entries(c)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    },
  ]);

  expect(v.session).toBe(session);
  expect(forgedInPanel).toBe(0);
  expect(forgedNames).toBe(0);
  expect(v.names).toEqual(['bank']);
  expect(bank.state).toEqual({ balance: 132 });
  expect(forgedJumps).toBe(0);
  expect(bank.rejected).toBe(0);
  // The forged hook commands did arrive at the window (the app's own listener saw them)…
  expect(bank.forgedCommandsSeen).toBeGreaterThanOrEqual(2);
  // …and every forgery a relay saw is counted exactly, by kind.
  expect(c).toEqual(expected);
  expect(v.dropsText).toContain(DROP.notFromPage);
  expect(v.dropsText).toContain(DROP.version);
  expect(v.dropsText).toContain(DROP.malformed);
  expect(v.ignoredText).toBe(`${expected.held + expected.otherSession} ignored`);
  // 6 real steps (0 to 5), none lost.
  expect(v.steps).toBe(6);

  // The real path still works: a jump from the panel reaches the bank.
  await panel.evaluate(
    (pid) =>
      (
        globalThis as unknown as { __HINDSIGHT_PANEL__: { jump(p: string, s: number): boolean } }
      ).__HINDSIGHT_PANEL__.jump(pid, 1),
    bankPid,
  );
  await pollUntil(
    async () =>
      (await page.evaluate(() => (window as unknown as W).bank.state)) !== null &&
      (await page.evaluate(() => ((window as unknown as W).bank.state as { balance: number }).balance)) ===
        110,
    20_000,
    'the real jump to step 1',
  );
  await panel.close();
  await page.close();
});
