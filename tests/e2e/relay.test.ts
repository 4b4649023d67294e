/**
 * End-to-end smoke tests of the relay: page ⇄ content script ⇄ background ⇄ panel link,
 * in real Chromium and Firefox with the built extension (run `npm run build` first).
 *
 * The app page is a fake that speaks the page side of the wire protocol directly (served
 * as a .js file): it says hello on load and on `connect`, answers `sync {since}` with
 * batches of `notice` events from since+1, resends from the last ack when acks stall, and
 * records every command in `window.__received`. The panel side is the test-only link probe
 * (extension/panel/link-probe.html), which runs `connectLink` and records what it delivers.
 */
import type { Page as PwPage } from 'playwright-core';
import type { Page as PpPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumHarness, launchChromium } from './harness/chromium';
import { type FirefoxHarness, launchFirefox } from './harness/firefox';
import { type StaticServer, startStaticServer } from './harness/server';

// --- the fake app page -------------------------------------------------------------------

interface Cmd {
  type: string;
  since?: number;
  seq?: number;
}

interface FakeWindow {
  __session: string;
  __received: Cmd[];
  __connects: number;
  __store: unknown[];
  __sentEvents: number;
  __produce(n: number): void;
  __produceRaw(ev: unknown): void;
  __stream(total: number, perTick: number, everyMs: number): void;
  __streaming(): boolean;
  __post(raw: unknown): void;
}

/** Runs in the app page (serialized with toString: keep it self-contained). */
function fakePage(): void {
  const w = window as unknown as FakeWindow;
  const session = `fake-${Math.random().toString(36).slice(2, 10)}`;
  w.__session = session;
  w.__received = [];
  w.__connects = 0;
  w.__store = [];
  w.__sentEvents = 0;
  let streaming = false;
  let sent = 0;
  let acked = 0;
  let lastProgress = Date.now();
  let streamTimer: ReturnType<typeof setInterval> | undefined;
  const origin = location.origin;
  const post = (m: object) => window.postMessage({ source: 'hindsight-page', v: 1, session, ...m }, origin);
  const hello = () => post({ kind: 'hello', hook: 'fake-page/1', url: location.href, startedAt: Date.now() });
  const flush = () => {
    if (!streaming) return;
    while (sent < w.__store.length) {
      const first = sent + 1;
      const part = w.__store.slice(sent, sent + 10);
      post({ kind: 'batch', first, count: part.length, body: JSON.stringify(part) });
      w.__sentEvents += part.length;
      sent += part.length;
    }
  };
  const notice = (seq: number) => ({ seq, t: Date.now(), type: 'notice', level: 'info', text: `n${seq}` });
  w.__produce = (n) => {
    for (let i = 0; i < n; i++) w.__store.push(notice(w.__store.length + 1));
    flush();
  };
  w.__produceRaw = (ev) => {
    w.__store.push(ev);
    flush();
  };
  w.__stream = (total, perTick, everyMs) => {
    streamTimer = setInterval(() => {
      const n = Math.min(perTick, total - w.__store.length);
      if (n > 0) w.__produce(n);
      if (w.__store.length >= total) {
        clearInterval(streamTimer);
        streamTimer = undefined;
      }
    }, everyMs);
  };
  w.__streaming = () => streamTimer !== undefined;
  w.__post = (raw) => window.postMessage(raw, origin);
  // Go-back-N resend when acks stall, like the real hook's outbox.
  setInterval(() => {
    if (streaming && sent > acked && Date.now() - lastProgress > 1000) {
      sent = acked;
      lastProgress = Date.now();
      flush();
    }
  }, 250);
  window.addEventListener('message', (e) => {
    const d = e.data as { source?: string; kind?: string; session?: string; cmd?: Cmd } | null;
    if (e.source !== window || !d || d.source !== 'hindsight-ext') return;
    if (d.kind === 'connect') {
      w.__connects++;
      hello();
    } else if (d.kind === 'command' && d.session === session && d.cmd) {
      const cmd = d.cmd;
      w.__received.push(cmd);
      if (cmd.type === 'sync' && typeof cmd.since === 'number') {
        streaming = true;
        sent = Math.min(cmd.since, w.__store.length);
        acked = sent;
        lastProgress = Date.now();
        flush();
      } else if (cmd.type === 'ack' && typeof cmd.seq === 'number' && cmd.seq > acked) {
        acked = cmd.seq;
        lastProgress = Date.now();
      }
    }
  });
  hello();
}

/** Runs in a cross-origin iframe: forges tagged messages to the parent. */
function forgeFrame(): void {
  const [session, next] = location.hash.slice(1).split(',');
  const first = Number(next);
  const msgs = [
    {
      source: 'hindsight-page',
      v: 1,
      kind: 'hello',
      session: 'forged-session',
      hook: 'evil',
      url: 'http://evil/',
      startedAt: 1,
    },
    {
      source: 'hindsight-page',
      v: 1,
      kind: 'batch',
      session,
      first,
      count: 1,
      body: JSON.stringify([{ seq: first, t: 1, type: 'notice', level: 'error', text: 'FORGED' }]),
    },
  ];
  for (const m of msgs) window.parent.postMessage(m, '*');
  (window as unknown as { __forged: boolean }).__forged = true;
}

const html = (script: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>fake app</title><script src="${script}"></script></head><body><p>fake app</p></body></html>`;

const appRoutes = {
  '/index.html': html('/page.js'),
  '/page.js': `(${fakePage.toString()})();`,
};
const forgeRoutes = {
  '/forge.html': html('/forge.js'),
  '/forge.js': `(${forgeFrame.toString()})();`,
};

// --- helpers -------------------------------------------------------------------------------

interface ProbeSnapshot {
  sessions: { session: string; hook: string; url: string }[];
  events: { seq: number; type: string; text?: string }[];
  dropped: { where: string; reason: string; count: number }[];
  statuses: string[];
}

type AnyPage = PwPage | PpPage;

const evalIn = <T>(page: AnyPage, fn: () => T): Promise<T> =>
  (page as { evaluate(f: () => T): Promise<T> }).evaluate(fn);

const probeState = (probe: AnyPage) =>
  evalIn(probe, () => {
    const p = (globalThis as unknown as { __probe: ProbeSnapshot }).__probe;
    return JSON.parse(
      JSON.stringify({ sessions: p.sessions, events: p.events, dropped: p.dropped, statuses: p.statuses }),
    ) as ProbeSnapshot;
  });

const evalArg = <A, T>(page: AnyPage, fn: (a: A) => T, arg: A): Promise<T> =>
  (page as { evaluate(f: (a: A) => T, a: A): Promise<T> }).evaluate(fn, arg);

const received = (page: AnyPage) => evalIn(page, () => (window as unknown as FakeWindow).__received.slice());

/** Poll `fn` until `check` passes (generous timeouts: loaded 2-core machines). */
async function until<T>(
  fn: () => Promise<T>,
  check: (v: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await fn();
      if (check(last)) return last;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const dropsBy = (s: ProbeSnapshot, where: string, reason: string) =>
  s.dropped.filter((d) => d.where === where && d.reason === reason).reduce((n, d) => n + d.count, 0);

/**
 * Stream TOTAL events from the page while the background is stopped STOPS times, then check
 * the probe got every event exactly once, in order, and the page saw a fresh sync per stop.
 */
async function streamAcrossRestarts(
  label: string,
  page: AnyPage,
  probe: AnyPage,
  stop: () => Promise<void>,
  TOTAL = 1500,
  STOPS = 4,
): Promise<void> {
  await until(
    () => received(page),
    (c) => c.some((x) => x.type === 'sync'),
    'the first sync',
    60_000,
  );
  await evalArg(page, (n) => (window as unknown as FakeWindow).__stream(n, 5, 20), TOTAL);
  for (let k = 1; k <= STOPS; k++) {
    // Stop while events are flowing: wait for the stream to reach the next step.
    await until(
      () => probeState(probe),
      (v) => v.events.length >= (k * TOTAL) / (STOPS + 2),
      `stream progress before stop ${k}`,
      60_000,
    );
    const before = (await received(page)).filter((c) => c.type === 'sync').length;
    await stop();
    // The link resyncs: the page gets a fresh sync after every stop.
    await until(
      () => received(page),
      (c) => c.filter((x) => x.type === 'sync').length > before,
      `a fresh sync after stop ${k}`,
      60_000,
    );
  }
  const s = await until(
    () => probeState(probe),
    (v) => v.events.length >= TOTAL,
    `all ${TOTAL} events`,
    120_000,
  );
  const seqs = s.events.map((e) => e.seq);
  const lost = TOTAL - new Set(seqs).size;
  const duplicates = seqs.length - new Set(seqs).size;
  expect(lost).toBe(0);
  expect(duplicates).toBe(0);
  expect(seqs).toEqual(range(1, TOTAL));
  expect(s.sessions).toHaveLength(1);
  expect(s.statuses.filter((x) => x === 'disconnected').length).toBeGreaterThanOrEqual(STOPS);
  await until(
    () => received(page),
    (c) => c.some((x) => x.type === 'ack' && x.seq === TOTAL),
    `ack ${TOTAL}`,
  );
  const cmds = await received(page);
  const posted = await evalIn(page, () => (window as unknown as FakeWindow).__sentEvents);
  console.log(
    `[relay] ${label}: stops ${STOPS}, events ${TOTAL}, delivered ${seqs.length}, lost ${lost}, ` +
      `duplicates delivered ${duplicates}, syncs ${cmds.filter((c) => c.type === 'sync').length}, ` +
      `acks ${cmds.filter((c) => c.type === 'ack').length}, events posted by the page ${posted} ` +
      `(resent ${posted - TOTAL})`,
  );
}

// --- Chromium ------------------------------------------------------------------------------

describe('Chromium', () => {
  let chrome: ChromiumHarness;
  let app: StaticServer;
  let other: StaticServer;

  beforeAll(async () => {
    app = await startStaticServer(appRoutes);
    other = await startStaticServer(forgeRoutes);
    chrome = await launchChromium();
  });

  afterAll(async () => {
    await chrome?.close();
    await app?.close();
    await other?.close();
  });

  const openApp = async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${app.url}/index.html`);
    await page.waitForFunction(() => typeof (window as unknown as FakeWindow).__produce === 'function');
    return page;
  };

  it('relays hello, sync, events and acks between the page and a panel opened late', async () => {
    const page = await openApp();
    await page.evaluate(() => (window as unknown as FakeWindow).__produce(25));
    const tabId = await chrome.tabIdOf(page);
    const probe = await chrome.openProbeTab(tabId);
    const session = await page.evaluate(() => (window as unknown as FakeWindow).__session);

    const s = await until(
      () => probeState(probe),
      (v) => v.events.length >= 25,
      'the probe to hold 25 events',
    );
    expect(s.sessions.map((x) => x.session)).toEqual([session]);
    expect(s.sessions[0].hook).toBe('fake-page/1');
    expect(s.events.map((e) => e.seq)).toEqual(range(1, 25));
    expect(s.statuses).toContain('connected');

    const cmds = await until(
      () => received(page),
      (c) => c.some((x) => x.type === 'ack' && x.seq === 25),
      'ack 25 at the page',
    );
    expect(cmds[0]).toEqual({ type: 'sync', since: 0 });
    const acks = cmds.filter((c) => c.type === 'ack').map((c) => c.seq!);
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    expect(acks.at(-1)).toBe(25);

    // Live events after the sync flow through too.
    await page.evaluate(() => (window as unknown as FakeWindow).__produce(5));
    await until(
      () => received(page),
      (c) => c.some((x) => x.type === 'ack' && x.seq === 30),
      'ack 30',
    );
    expect((await probeState(probe)).events.map((e) => e.seq)).toEqual(range(1, 30));
    await probe.close();
    await page.close();
  });

  it('ignores forged messages from a cross-origin iframe and counts malformed tagged envelopes', async () => {
    const page = await openApp();
    await page.evaluate(() => (window as unknown as FakeWindow).__produce(3));
    const tabId = await chrome.tabIdOf(page);
    const probe = await chrome.openProbeTab(tabId);
    await until(
      () => probeState(probe),
      (v) => v.events.length === 3,
      '3 events',
    );
    const session = await page.evaluate(() => (window as unknown as FakeWindow).__session);

    // A frame of another origin posts a hello of another session and a batch of this
    // session with the next seq: neither may reach the panel.
    const src = `${other.url}/forge.html#${session},4`;
    await page.evaluate((u) => {
      const f = document.createElement('iframe');
      f.src = u;
      document.body.append(f);
    }, src);
    const frame = await until(
      async () => page.frames().find((f) => f.url().startsWith(other.url)) ?? null,
      (f) => f !== null,
      'the forge frame',
    );
    await until(
      () => frame!.evaluate(() => (window as unknown as { __forged?: boolean }).__forged === true),
      Boolean,
      'forging',
    );

    // Malformed but tagged envelopes from the page itself: counted, not forwarded.
    await page.evaluate((sess) => {
      const w = window as unknown as FakeWindow;
      w.__post({
        source: 'hindsight-page',
        v: 1,
        kind: 'batch',
        session: sess,
        first: 0,
        count: 1,
        body: '[]',
      });
      w.__post({
        source: 'hindsight-page',
        v: 99,
        kind: 'hello',
        session: 'x',
        hook: 'h',
        url: 'u',
        startedAt: 1,
      });
      w.__post({ source: 'hindsight-page', v: 1, kind: 'nonsense', session: sess });
      w.__post({ source: 'someone-else', kind: 'batch' }); // not ours: ignored silently
    }, session);

    // An undecodable event inside a valid batch: dropped at the panel, seq still advances.
    await page.evaluate(() => {
      const w = window as unknown as FakeWindow;
      w.__produceRaw({ seq: 4, t: 1, type: 'no-such-type' });
      w.__produce(3);
    });

    const s = await until(
      () => probeState(probe),
      (v) =>
        v.events.some((e) => e.seq === 7) &&
        dropsBy(v, 'content', 'not from the page window') >= 2 &&
        dropsBy(v, 'content', 'malformed envelope') >= 2 &&
        dropsBy(v, 'content', 'protocol version mismatch') >= 1 &&
        dropsBy(v, 'panel', 'malformed event') >= 1,
      'events up to 7 and the drop reports',
    );
    expect(s.sessions.map((x) => x.session)).toEqual([session]);
    expect(s.events.map((e) => e.seq)).toEqual([1, 2, 3, 5, 6, 7]);
    expect(s.events.some((e) => e.text === 'FORGED')).toBe(false);
    expect(dropsBy(s, 'content', 'not from the page window')).toBe(2);
    expect(dropsBy(s, 'content', 'malformed envelope')).toBe(2);
    expect(dropsBy(s, 'content', 'protocol version mismatch')).toBe(1);
    expect(dropsBy(s, 'panel', 'malformed event')).toBe(1);
    await until(
      () => received(page),
      (c) => c.some((x) => x.type === 'ack' && x.seq === 7),
      'ack 7',
    );
    await probe.close();
    await page.close();
  });

  it('loses nothing when the service worker is stopped mid-stream', async () => {
    const page = await openApp();
    const tabId = await chrome.tabIdOf(page);
    const probe = await chrome.openProbeTab(tabId);
    await streamAcrossRestarts('Chromium SW stop', page, probe, () => chrome.stopServiceWorker());
    await probe.close();
    await page.close();
  });

  it('keeps tabs apart: a panel only sees its own tab', async () => {
    const a = await openApp();
    const b = await openApp();
    const tabA = await chrome.tabIdOf(a);
    const tabB = await chrome.tabIdOf(b);
    expect(tabA).not.toBe(tabB);
    const probeA = await chrome.openProbeTab(tabA);
    await a.evaluate(() => (window as unknown as FakeWindow).__produce(2));
    await b.evaluate(() => (window as unknown as FakeWindow).__produce(9));
    const sessionA = await a.evaluate(() => (window as unknown as FakeWindow).__session);
    const s = await until(
      () => probeState(probeA),
      (v) => v.events.length >= 2,
      'tab A events',
    );
    // Give tab B's traffic every chance to leak before looking.
    await until(
      () => received(a),
      (c) => c.some((x) => x.type === 'ack' && x.seq === 2),
      'ack 2 in tab A',
    );
    const again = await probeState(probeA);
    expect(s.sessions.map((x) => x.session)).toEqual([sessionA]);
    expect(again.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(await received(b)).toEqual([]);
    await probeA.close();
    await a.close();
    await b.close();
  });
});

describe('Chromium real DevTools panel', () => {
  let chrome: ChromiumHarness;
  let app: StaticServer;

  beforeAll(async () => {
    app = await startStaticServer(appRoutes);
    chrome = await launchChromium({ devtools: true });
  });

  afterAll(async () => {
    await chrome?.close();
    await app?.close();
  });

  it('creates the Hindsight panel and its iframe can be evaluated', async () => {
    const page = await chrome.context.newPage();
    await page.goto(`${app.url}/index.html`);
    const tabId = await chrome.tabIdOf(page);
    const panel = await chrome.openRealDevtoolsPanel(page);
    try {
      expect(panel.tabId).toBe(tabId);
      const href = await panel.evaluate<string>('location.href');
      expect(href).toMatch(/^chrome-extension:\/\/[a-p]{32}\/panel\/panel\.html$/);
      expect(await panel.evaluate<number>('chrome.devtools.inspectedWindow.tabId')).toBe(tabId);
    } finally {
      panel.close();
    }
  });
});

// --- Firefox -------------------------------------------------------------------------------

describe('Firefox', () => {
  let ff: FirefoxHarness;
  let app: StaticServer;

  beforeAll(async () => {
    app = await startStaticServer(appRoutes);
    ff = await launchFirefox();
  });

  afterAll(async () => {
    await ff?.close();
    await app?.close();
  });

  it('relays hello, sync, events and acks', async () => {
    const url = `${app.url}/index.html`;
    const page = await ff.openPage(url);
    await until(
      () => page.evaluate(() => typeof (window as unknown as FakeWindow).__produce === 'function'),
      Boolean,
      'the fake page',
    );
    await page.evaluate(() => (window as unknown as FakeWindow).__produce(12));
    const probe = await ff.openProbeTab(url);
    const session = await page.evaluate(() => (window as unknown as FakeWindow).__session);
    const s = await until(
      () => probeState(probe),
      (v) => v.events.length >= 12,
      '12 events in the probe',
      60_000,
    );
    expect(s.sessions.map((x) => x.session)).toEqual([session]);
    expect(s.events.map((e) => e.seq)).toEqual(range(1, 12));
    const cmds = await until(
      () => received(page),
      (c) => c.some((x) => x.type === 'ack' && x.seq === 12),
      'ack 12 at the page',
      60_000,
    );
    expect(cmds[0]).toEqual({ type: 'sync', since: 0 });
    await probe.close();
    await page.close();
  });

  it('loses nothing when the background event page is terminated mid-stream', async () => {
    const url = `${app.url}/index.html?restart`;
    const page = await ff.openPage(url);
    await until(
      () => page.evaluate(() => typeof (window as unknown as FakeWindow).__produce === 'function'),
      Boolean,
      'the fake page',
    );
    const probe = await ff.openProbeTab(url);
    await streamAcrossRestarts('Firefox background terminate', page, probe, async () => {
      await ff.terminateBackground();
    });
    await probe.close();
    await page.close();
  });
});
