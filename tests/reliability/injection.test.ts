/**
 * Injection, in the real DevTools panel of real Chromium: a corpus of hostile strings
 * (lib/hostile-corpus.ts: script tags, event-handler attributes, javascript: URLs, SVG and
 * CSS tricks, markup that loads or navigates, template tricks, Unicode bidi and control
 * characters, very long lines) goes through the real hook of an app as process names,
 * message names, payload keys and values, error texts, notices, status reasons, mutation
 * names, state keys and values, and as the HTML (and title) of a LiveView process, whose
 * steps the panel previews in its sandboxed iframe. The test then selects every timeline
 * entry in the panel (inspector, payload and state trees, diffs, previews), searches the
 * timeline for hostile strings, clicks everything clickable inside each preview and jumps
 * the app back to hostile states.
 *
 * Canaries: any payload that runs reports itself (a request to the canary server's /exec/,
 * `data-pwned` on its document, an `hs-pwned:` message to its window, parent and top,
 * `__pwned`); any that loads something asks the canary for /load/. A MutationObserver in the
 * panel document flags every element that appears with a corpus marker (`data-hs-canary`),
 * an `on…` attribute, a javascript:/data: URL or a tag the panel never makes, and any
 * iframe but the two previews. Each preview iframe must be sandbox="" (no scripts, an opaque
 * origin: no access to the panel or the extension), start with its CSP, and be checked from
 * inside (its own window and document: nothing ran, no extension API).
 *
 * Proves: injections_executed = 0, unexpected_elements = 0, hostile_loads = 0, every
 * string still shown as plain text, and no part of the panel failed to render.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PREVIEW_HEAD } from '../../extension/panel/lib/lvpreview';
import { CdpConnection, listTargets } from '../e2e/harness/cdp';
import { type ChromiumHarness, type DevtoolsPanelHandle, launchChromium } from '../e2e/harness/chromium';
import { pollUntil } from '../e2e/harness/panel';
import type { StaticServer } from '../e2e/harness/server';
import type { App } from './apps/hook-app';
import { mustBeZero, recordReliability } from './lib/figures';
import { type Hostile, hostileCorpus } from './lib/hostile-corpus';
import { type Canary, serveHookApp, startCanary } from './lib/pages';

/** Longest name the protocol accepts (decodeEvent): longer ones are dropped, counted. */
const NAME_MAX = 4096;

type W = Window & { __app: App; stores: ReturnType<App['store']>[]; lv: ReturnType<App['store']> };

let chrome: ChromiumHarness;
let server: StaticServer;
let canary: Canary;
let app: Page;
let panel: DevtoolsPanelHandle;
let port = 0;

beforeAll(async () => {
  canary = await startCanary();
  server = await serveHookApp();
  chrome = await launchChromium({ devtools: true });
  app = await chrome.context.newPage();
  await app.goto(`${server.url}/index.html`);
  await app.waitForFunction(() => typeof (window as unknown as W).__app?.store === 'function');
  panel = await chrome.openRealDevtoolsPanel(app);
  port = Number(readFileSync(join(chrome.profileDir, 'DevToolsActivePort'), 'utf8').split('\n')[0]);
});

afterAll(async () => {
  panel?.close();
  await chrome?.close();
  await server?.close();
  await canary?.close();
});

// --- in the panel (serialized: self-contained) --------------------------------------------

interface Guard {
  unexpected: string[];
  pwned: string[];
  csp: string[];
  errors: string[];
  boundaries: number;
}

/** Watch the panel document for anything a hostile string could have made. */
function installGuard(canaryOrigin: string): void {
  const g: Guard = { unexpected: [], pwned: [], csp: [], errors: [], boundaries: 0 };
  const previews = new Set(['lv-preview-past', 'lv-preview-present']);
  const neverMade = new Set([
    'SCRIPT',
    'OBJECT',
    'EMBED',
    'BASE',
    'META',
    'FORM',
    'FRAME',
    'FRAMESET',
    'LINK',
    'STYLE',
    'IMG',
    'VIDEO',
    'AUDIO',
    'MATH',
    'TEMPLATE',
    'NOSCRIPT',
    'MARQUEE',
    'TEXTAREA',
    'IMAGE',
    'USE',
    'ANIMATE',
    'SET',
    'FOREIGNOBJECT',
  ]);
  // (A preview's srcdoc is the page's HTML by design: it is checked from inside the frame.)
  const urlAttr = /^(href|src|srcset|action|formaction|xlink:href|data|poster|background)$/i;
  const inspect = (el: Element): void => {
    const why: string[] = [];
    if (el.hasAttribute('data-hs-canary')) why.push('corpus marker');
    if (el.hasAttribute('data-pwned')) why.push('data-pwned');
    for (const a of Array.from(el.attributes)) {
      if (/^on/i.test(a.name)) why.push(`attribute ${a.name}`);
      if (
        urlAttr.test(a.name) &&
        (/^\s*(javascript|vbscript|data):/i.test(a.value) || a.value.includes(canaryOrigin))
      )
        why.push(`url in ${a.name}`);
    }
    const tag = el.tagName.toUpperCase();
    if (tag === 'IFRAME') {
      if (!previews.has(el.getAttribute('data-testid') ?? '') || el.getAttribute('sandbox') !== '')
        why.push('iframe that is not a sandboxed preview');
    } else if (neverMade.has(tag)) why.push(`<${el.tagName.toLowerCase()}>`);
    if (el.getAttribute('data-testid') === 'error-boundary') g.boundaries++;
    if (why.length) g.unexpected.push(`<${el.tagName.toLowerCase()}> ${why.join(', ')}`);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target instanceof Element) {
        const name = r.attributeName ?? '';
        if (/^on/i.test(name) || name === 'data-pwned' || name === 'data-hs-canary') inspect(r.target);
        continue;
      }
      for (const n of Array.from(r.addedNodes)) {
        if (!(n instanceof Element)) continue;
        inspect(n);
        for (const d of Array.from(n.querySelectorAll('*'))) inspect(d);
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
  addEventListener('message', (e) => {
    if (String(e.data).startsWith('hs-pwned')) g.pwned.push(String(e.data));
  });
  document.addEventListener('securitypolicyviolation', (e) =>
    g.csp.push(`${e.violatedDirective} ${e.blockedURI}`.slice(0, 200)),
  );
  addEventListener('error', (e) => g.errors.push(String(e.message).slice(0, 200)));
  (globalThis as unknown as { __guard: Guard }).__guard = g;
}

/** Select timeline entry `index`; report what the inspector shows. */
function selectEntry(index: number): Promise<{
  seq: number;
  kind: string;
  pid: string;
  name: string;
  shown: boolean;
  frames: number;
}> {
  type E = { seq: number; kind: string; pid: string; name: string };
  const m = (
    globalThis as unknown as {
      __HINDSIGHT_PANEL__: { live: { value: { timeline: { at(i: number): E } } }; select(seq: number): void };
    }
  ).__HINDSIGHT_PANEL__;
  const e = m.live.value.timeline.at(index);
  m.select(e.seq);
  // The panel renders once per animation frame (or a timer when hidden), and a very long
  // hostile value can take a while on a loaded machine: wait for the entry and its text.
  const deadline = Date.now() + 20_000;
  return new Promise((ok) => {
    const look = () => {
      const ins = document.querySelector('[data-testid=inspector]');
      const needsName = e.kind === 'message' || e.kind === 'notice';
      const ready =
        ins?.getAttribute('data-seq') === String(e.seq) &&
        (!needsName || !!ins?.textContent?.includes(e.name));
      if (!ready && Date.now() < deadline) {
        setTimeout(look, 5);
        return;
      }
      ok({
        seq: e.seq,
        kind: e.kind,
        pid: e.pid,
        name: e.name,
        shown: !!ins?.textContent?.includes(e.name),
        frames: document.querySelectorAll('iframe').length,
      });
    };
    look();
  });
}

/**
 * Timeline indexes to inspect: every message (name, payload, error, mutations, state, diff),
 * every `pid` step (the LiveView preview) and every `noticeStride`-th notice. (A hidden
 * DevTools panel draws on a 100 ms timer, so each selection costs about that.)
 */
function entriesToWalk(pid: string, noticeStride: number): number[] {
  type E = { index: number; kind: string; pid: string };
  const t = (
    globalThis as unknown as { __HINDSIGHT_PANEL__: { live: { value: { timeline: { toArray(): E[] } } } } }
  ).__HINDSIGHT_PANEL__.live.value.timeline;
  const out: number[] = [];
  let notices = 0;
  for (const e of t.toArray()) {
    if (e.kind === 'message' || e.pid === pid || (e.kind === 'notice' && notices++ % noticeStride === 0))
      out.push(e.index);
  }
  return out;
}

// --- helpers ------------------------------------------------------------------------------

const evalFn = <T>(fn: (...a: never[]) => unknown, ...args: unknown[]): Promise<T> =>
  panel.evaluate<T>(`(${fn.toString()})(${args.map((a) => JSON.stringify(a)).join(',')})`);

/** What the inside of each preview iframe (an out-of-process srcdoc frame) says about itself. */
interface Inside {
  origin: string;
  ran: string | null;
  extensionApi: boolean;
  canaryElements: number;
  csp: string | null;
}

const INSIDE = `(() => ({
  origin: self.origin,
  ran: (typeof self.__pwned === 'string' ? self.__pwned : null) ?? document.documentElement.getAttribute('data-pwned'),
  extensionApi: typeof chrome !== 'undefined' && !!(chrome.runtime && chrome.runtime.id),
  canaryElements: document.querySelectorAll('[data-hs-canary]').length,
  csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
}))()`;

/** Click, submit and focus everything a user could in the document (run inside a preview). */
const POKE = `(() => {
  let n = 0;
  for (const el of document.querySelectorAll('a, button, input, select, textarea, details, summary, [onclick], [onmouseover], svg a')) {
    try { el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true })); el.focus?.(); el.click?.(); n++; } catch {}
  }
  for (const f of document.forms) { try { f.requestSubmit ? f.requestSubmit() : f.submit(); n++; } catch {} }
  return n;
})()`;

/** Every iframe in the panel document, as the panel sees it. */
interface PaneAttrs {
  testid: string | null;
  sandbox: string | null;
  /** The panel cannot reach into it (an opaque origin). */
  opaque: boolean;
  /** Its document starts with the preview CSP. */
  head: boolean;
}

const PANES = `[...document.querySelectorAll('iframe')].map((f) => ({
  testid: f.getAttribute('data-testid'),
  sandbox: f.getAttribute('sandbox'),
  opaque: f.contentDocument === null && (() => { try { return f.contentWindow.document === undefined; } catch { return true; } })(),
  head: (f.getAttribute('srcdoc') ?? '').startsWith(${JSON.stringify(PREVIEW_HEAD)}),
}))`;

async function srcdocFrames(): Promise<string[]> {
  const targets = await listTargets(port);
  return targets
    .filter((t) => t.type === 'iframe' && t.url === 'about:srcdoc' && t.webSocketDebuggerUrl)
    .map((t) => t.webSocketDebuggerUrl!);
}

async function inEachPreview<T>(expression: string): Promise<T[]> {
  const out: T[] = [];
  for (const ws of await srcdocFrames()) {
    let conn: CdpConnection | null = null;
    try {
      conn = await CdpConnection.open(ws);
      out.push(await conn.evaluate<T>(expression));
    } catch {
      // The frame went away (re-rendered) between listing and evaluating.
    } finally {
      conn?.close();
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Strings with something to click, submit or focus: each gets a preview of its own. */
const interactive = (h: Hostile) =>
  /<(a|button|input|form|details|select|textarea)\b|onclick|onmouseover|onfocus/i.test(h.text);

it('renders a corpus of hostile strings in the real panel as text: nothing runs, loads or appears', async () => {
  const corpus = hostileCorpus(canary.url);
  expect(corpus.length).toBeGreaterThanOrEqual(100);
  const t0 = Date.now();
  const seconds = () => ((Date.now() - t0) / 1000).toFixed(1);
  await evalFn(installGuard, canary.url);

  // Feed the corpus through the real hook.
  const lvSteps = corpus.filter(interactive).map((h) => h.id);
  await app.evaluate(
    ({ corpus, lvSteps }) => {
      const w = window as unknown as W;
      const a = w.__app;
      w.stores = [];
      for (const h of corpus) {
        const s = a.store(h.text, { [h.text]: h.text, id: h.id });
        s.dispatch(
          h.text,
          { [h.text]: h.text, id: h.id, nested: { [h.text]: [h.text] } },
          { [h.text]: h.text, id: h.id, n: 1 },
          h.text,
        );
        s.handle.status('crashed', h.text);
        a.hook.notice(h.text);
        w.stores.push(s);
      }
      const doc = (html: string, title: string) => ({
        rendered: { s: ['<main>', '</main>'], 0: html },
        title,
      });
      w.lv = a.store('LiveView #lv', doc('<p>start</p>', 'start'), { kind: 'liveview', preview: true });
      // Every string in one page, each its own dynamic (one string over the hook's
      // 100,000-character limit would be sent as a truncation marker instead).
      const all: Record<string, unknown> = { s: ['<main>', ...corpus.slice(1).map(() => '<hr>'), '</main>'] };
      corpus.forEach((h, k) => {
        all[k] = h.text;
      });
      w.lv.dispatch('everything', {}, { rendered: all, title: corpus[0].text });
      for (const h of corpus) if (lvSteps.includes(h.id)) w.lv.dispatch(h.id, {}, doc(h.text, h.text));
      a.hook.notice('END-OF-CORPUS');
    },
    { corpus, lvSteps },
  );
  const lvPid = await app.evaluate(() => (window as unknown as W).lv.pid);
  await pollUntil(
    () =>
      panel.evaluate<boolean>(
        `__HINDSIGHT_PANEL__.live.value.raw.some((e) => e.type === 'notice' && e.text === 'END-OF-CORPUS')`,
      ),
    90_000,
    'the whole corpus in the panel',
  );

  const fedAt = seconds();
  // Walk the timeline: the inspector, payload, state and diff render each message and
  // notice, and the preview each LiveView step.
  const walk = await evalFn<number[]>(entriesToWalk, lvPid, 3);
  const texts = new Set(corpus.map((h) => h.text));
  let walked = 0;
  let shown = 0;
  let hostileEntries = 0;
  const notShown: { seq: number; name: string; length: number }[] = [];
  let previewRenders = 0;
  let pokes = 0;
  const insides: Inside[] = [];
  const paneAttrs: PaneAttrs[] = [];
  for (const i of walk) {
    const r = await evalFn<Awaited<ReturnType<typeof selectEntry>>>(selectEntry, i);
    walked++;
    if ((r.kind === 'message' || r.kind === 'notice') && texts.has(r.name)) {
      hostileEntries++;
      if (r.shown) shown++;
      else notShown.push({ seq: r.seq, name: r.name.slice(0, 120), length: r.name.length });
    }
    if (r.pid === lvPid && r.kind === 'step') {
      // The preview of this step: wait for both panes to load, look inside, poke everything.
      let seen: Inside[] = [];
      await pollUntil(
        async () => {
          seen = await inEachPreview<Inside>(INSIDE);
          return seen.length >= 2;
        },
        20_000,
        `the preview iframes of LiveView entry ${r.name}`,
      );
      insides.push(...seen);
      previewRenders += seen.length;
      paneAttrs.push(...(await panel.evaluate<PaneAttrs[]>(PANES)));
      if (r.name !== 'everything') {
        for (const n of await inEachPreview<number>(POKE)) pokes += n;
        await sleep(150);
      }
    }
  }

  const walkedAt = seconds();
  // Search the timeline for hostile strings (highlighting and filtering).
  for (const h of corpus.slice(0, 40)) {
    await panel.evaluate(`(async () => {
      __HINDSIGHT_PANEL__.filter.search.value = ${JSON.stringify(h.text.slice(0, 200))};
      await new Promise((r) => setTimeout(r, 0));
    })()`);
  }
  await panel.evaluate(`__HINDSIGHT_PANEL__.filter.search.value = ''`);

  // Jump a few hostile stores back to step 0: the hostile states travel back to the app.
  const pids = await app.evaluate(() => (window as unknown as W).stores.slice(0, 20).map((s) => s.pid));
  for (const pid of pids) await panel.evaluate(`__HINDSIGHT_PANEL__.jump(${JSON.stringify(pid)}, 0)`);
  await pollUntil(
    () => app.evaluate(() => (window as unknown as W).stores.slice(0, 20).every((s) => s.jumps.length === 1)),
    20_000,
    'the jumps in the app',
  ).catch(() => {});
  // Anything slow (an image error, a refresh, a late script) gets its chance.
  await sleep(1000);

  // Collect.
  const guard = await panel.evaluate<Guard>('globalThis.__guard');
  const panelState = await panel.evaluate<{
    pwned: unknown;
    mark: string | null;
    canaryElements: number;
    frames: PaneAttrs[];
    anchors: number;
  }>(`(() => ({
    pwned: globalThis.__pwned ?? null,
    mark: document.documentElement.getAttribute('data-pwned'),
    canaryElements: document.querySelectorAll('[data-hs-canary]').length,
    frames: ${PANES},
    anchors: document.querySelectorAll('a').length,
  }))()`);
  const panes = [...paneAttrs, ...panelState.frames];
  const appState = await app.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    mark: document.documentElement.getAttribute('data-pwned'),
    canaryElements: document.querySelectorAll('[data-hs-canary]').length,
    elements: document.querySelectorAll('*').length,
  }));
  const execHits = canary.hits.filter((h) => h.startsWith('/exec/'));
  const loadHits = canary.hits.filter((h) => !h.startsWith('/exec/'));
  const ranInside = insides.filter((x) => x.ran !== null);

  const executed =
    guard.pwned.length +
    execHits.length +
    ranInside.length +
    (panelState.pwned !== null ? 1 : 0) +
    (panelState.mark !== null ? 1 : 0) +
    (appState.pwned !== null ? 1 : 0) +
    (appState.mark !== null ? 1 : 0);
  const unexpected =
    guard.unexpected.length +
    panelState.canaryElements +
    appState.canaryElements +
    panes.filter((f) => !f.testid?.startsWith('lv-preview-') || f.sandbox !== '' || !f.opaque || !f.head)
      .length;
  const accepted = corpus.filter((h) => h.text.length <= NAME_MAX).length;

  recordReliability('injection', [
    {
      name: 'injection_strings',
      value: corpus.length,
      unit: 'count',
      target: { min: 100 },
      note: `hostile strings (${[...new Set(corpus.map((h) => h.category))].join(', ')})`,
    },
    {
      name: 'injection_renders',
      value: walked + previewRenders,
      unit: 'count',
      note: `timeline entries inspected ${walked}, preview panes checked from inside ${previewRenders}, controls poked ${pokes}`,
      detail: { fedSeconds: fedAt, walkedSeconds: walkedAt },
    },
    {
      name: 'injections_executed',
      value: executed,
      unit: 'count',
      target: mustBeZero,
      note: 'canary script runs: panel, previews, app, DevTools (messages, marks, /exec requests)',
      detail: { pwned: guard.pwned, execHits, ranInside },
    },
    {
      name: 'unexpected_elements',
      value: unexpected,
      unit: 'count',
      target: mustBeZero,
      note: 'elements from the corpus, on… attributes, script URLs or stray iframes in the panel and app',
      detail: {
        guard: guard.unexpected.slice(0, 50),
        panes: panes.filter((f) => f.sandbox !== '').slice(0, 10),
      },
    },
    {
      name: 'hostile_loads',
      value: loadHits.length,
      unit: 'count',
      target: mustBeZero,
      note: 'requests to the canary from markup (images, CSS, frames, refresh, navigation)',
      detail: { loadHits },
    },
    {
      name: 'injection_shown_as_text',
      value: shown,
      unit: 'count',
      target: { min: hostileEntries },
      note: `hostile message names and notices shown verbatim as text, of ${hostileEntries} (names over ${NAME_MAX} chars are dropped, counted)`,
      detail: { notShown },
    },
    {
      name: 'panel_render_failures',
      value: guard.boundaries,
      unit: 'count',
      target: mustBeZero,
      note: 'panel regions that could not render a hostile value (error boundaries shown)',
    },
  ]);

  expect(guard.pwned).toEqual([]);
  expect(execHits).toEqual([]);
  expect(ranInside).toEqual([]);
  expect(panelState.pwned).toBeNull();
  expect(panelState.mark).toBeNull();
  expect(appState).toMatchObject({ pwned: null, mark: null, canaryElements: 0 });
  expect(guard.unexpected).toEqual([]);
  expect(panelState.canaryElements).toBe(0);
  expect(loadHits).toEqual([]);
  expect(guard.boundaries).toBe(0);
  // The previews: exactly the two panes, sandboxed with no tokens (no scripts, an opaque
  // origin the panel cannot reach into), each document starting with its CSP.
  expect(panes.length).toBeGreaterThanOrEqual(2 * (lvSteps.length + 1));
  for (const f of panes) {
    expect(['lv-preview-past', 'lv-preview-present']).toContain(f.testid);
    expect(f).toMatchObject({ sandbox: '', opaque: true, head: true });
  }
  expect(insides.length).toBeGreaterThanOrEqual(2 * (lvSteps.length + 1));
  for (const x of insides) expect(x).toMatchObject({ origin: 'null', extensionApi: false, ran: null });
  expect(insides.every((x) => x.csp === "default-src 'none'; img-src data:")).toBe(true);
  // The preview did get the hostile markup (as inert elements), so the sandbox was tested.
  expect(insides.some((x) => x.canaryElements > 50)).toBe(true);
  // Every hostile name the protocol accepts is shown, verbatim, as text.
  expect(hostileEntries).toBeGreaterThanOrEqual(accepted);
  expect(shown).toBe(hostileEntries);
  expect(panelState.anchors).toBe(0);
});
