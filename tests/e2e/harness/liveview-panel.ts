/**
 * Reading LiveView processes back from the panel (its model, globalThis.__HINDSIGHT_PANEL__)
 * and comparing the HTML Hindsight rebuilt with what the client put in the page.
 */
import type { Page } from 'playwright-core';
import { renderHTML } from '../../../runtime-hook/liveview/rendered';
import { driveEvent, normalizeLiveHTML } from './liveview-dom';
import { pollUntil } from './panel';

export interface PanelProc {
  pid: string;
  name: string;
  kind: string;
  parent?: string;
  status: string;
  statusReason?: string;
  caps: Record<string, boolean>;
}
export interface PanelMsg {
  mid: number;
  pid: string;
  name: string;
  kind: string;
  queuedAt: number;
  startedAt?: number;
  doneAt?: number;
  error?: string;
  replay?: boolean;
  steps: number[];
}
export interface PanelSnapshot {
  procs: PanelProc[];
  msgs: PanelMsg[];
  /** Each process's newest step. */
  steps: Record<string, { step: number; name?: string; state: unknown; keys?: Record<string, number> }>;
  notices: string[];
}

/** Processes, messages (without payloads) and each process's newest step. */
export function snapshot(panel: Page): Promise<PanelSnapshot> {
  return panel.evaluate(() => {
    type Store = {
      processes: { list(): PanelProc[] };
      messages: { byMid: Map<number, PanelMsg> };
      history: {
        last(
          pid: string,
        ):
          | { step: number; mutation?: { name: string }; state: unknown; stats: { keys?: object } }
          | undefined;
      };
      raw: { type: string; text?: string }[];
    };
    const s = (globalThis as unknown as { __HINDSIGHT_PANEL__: { live: { value: Store } } })
      .__HINDSIGHT_PANEL__.live.value;
    const procs = s.processes.list().map((p) => ({ ...p, waiting: undefined }));
    const steps: PanelSnapshot['steps'] = {};
    for (const p of procs) {
      const l = s.history.last(p.pid);
      if (l)
        steps[p.pid] = {
          step: l.step,
          name: l.mutation?.name,
          state: l.state,
          keys: l.stats.keys as Record<string, number>,
        };
    }
    const msgs = [...s.messages.byMid.values()].map((m) => ({ ...m, payload: undefined }));
    const notices = s.raw.filter((e) => e.type === 'notice').map((e) => String(e.text));
    return { procs, msgs, steps, notices } as PanelSnapshot;
  });
}

/** Run a self-contained function (see liveview-dom.ts) in the page. */
function inPage<A, R>(app: Page, fn: (a: A) => R, arg: A): Promise<R> {
  return app.evaluate(([src, a]) => (new Function(`return (${src})`)() as (x: unknown) => unknown)(a), [
    fn.toString(),
    arg,
  ] as const) as Promise<R>;
}

/**
 * Every live LiveView's rebuilt HTML (from its newest step in the panel) against the DOM
 * of its container: `#id` for nested ones, the main container for a root.
 */
export async function htmlMatches(app: Page, panel: Page): Promise<{ ok: boolean; detail: string }> {
  const snap = await snapshot(panel);
  const live = snap.procs.filter((p) => p.kind === 'liveview' && p.status !== 'exited');
  if (!live.length) return { ok: false, detail: 'no live LiveView process' };
  for (const p of live) {
    const s = snap.steps[p.pid]?.state as { rendered?: unknown; streams?: unknown } | undefined;
    if (!s?.rendered) return { ok: false, detail: `${p.name}: no rendered state yet` };
    const id = p.name.startsWith('LiveView #') ? p.name.slice('LiveView #'.length) : null;
    const dom = await app.evaluate((elId) => {
      const el = elId ? document.getElementById(elId) : document.querySelector('[data-phx-main]');
      return el ? el.innerHTML : null;
    }, id);
    if (dom === null) return { ok: false, detail: `${p.name}: no container in the page` };
    const want = await inPage(app, normalizeLiveHTML, dom);
    const got = await inPage(app, normalizeLiveHTML, renderHTML(s.rendered, s.streams as never));
    if (want !== got) return { ok: false, detail: `${p.name}:\nDOM:     ${want}\nrebuilt: ${got}` };
  }
  return { ok: true, detail: '' };
}

export async function expectHtmlMatches(app: Page, panel: Page, what: string): Promise<void> {
  let last = { ok: false, detail: '' };
  await pollUntil(
    async () => {
      last = await htmlMatches(app, panel);
      return last.ok;
    },
    10_000,
    `rebuilt HTML to equal the DOM (${what})`,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}\n${last.detail}`);
  });
}

/** Do in the page what makes the client push `payload` (see driveEvent). */
export function drive(
  app: Page,
  rootId: string,
  payload: Record<string, unknown>,
  hookButtons: Record<string, string> = { ping: '#ping-btn' },
): Promise<string | null> {
  return inPage(app, driveEvent, { rootId, payload, hookButtons });
}
