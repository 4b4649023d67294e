/**
 * CPU time of Chromium's processes (and this Node process), by role, for benchmarks that
 * want to know where the time went. Linux only (/proc); elsewhere `available` is false.
 *
 * Roles: the page's renderer (found by making the page spin and seeing which renderer
 * used the time), the extension's renderer (panel and service worker;
 * `--extension-process`), other renderers (the DevTools front-end, …), the browser
 * process, the GPU process, utility processes (network service, …), and this Node
 * process (the local server and the harness).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export type Role = 'page' | 'extension' | 'renderer' | 'browser' | 'gpu' | 'utility' | 'node';

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICK_MS = 10;

function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

function isExtensionRenderer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--extension-process');
  } catch {
    return false;
  }
}

export interface CpuSampler {
  readonly available: boolean;
  /** CPU ms per role since the previous `mark()` (the first call starts counting). */
  mark(): Promise<Record<Role, number>>;
}

const zero = (): Record<Role, number> => ({
  page: 0,
  extension: 0,
  renderer: 0,
  browser: 0,
  gpu: 0,
  utility: 0,
  node: 0,
});

export async function cpuSampler(context: BrowserContext, page: Page): Promise<CpuSampler> {
  const browser = context.browser();
  if (!existsSync('/proc/self/stat') || !browser) return { available: false, mark: async () => zero() };
  const session: CDPSession = await browser.newBrowserCDPSession();
  const list = async () =>
    (
      (await session.send('SystemInfo.getProcessInfo')) as {
        processInfo: { id: number; type: string }[];
      }
    ).processInfo;

  // The page's renderer: the one that spent the time the page spun for (clearly more than
  // any other; tried a few times, other work may run at the same moment).
  const spin = async (): Promise<number> => {
    const before = new Map((await list()).map((p) => [p.id, cpuMs(p.id)]));
    await page.evaluate(() => {
      const end = performance.now() + 400;
      while (performance.now() < end) {
        // spin
      }
    });
    const used = [...before].map(([id, ms]) => ({ id, d: cpuMs(id) - ms })).sort((a, b) => b.d - a.d);
    const [first, second] = used;
    return first && first.d >= 150 && first.d > 2 * (second?.d ?? 0) ? first.id : -1;
  };
  let pagePid = -1;
  for (let i = 0; i < 3 && pagePid < 0; i++) pagePid = await spin();
  const roleOf = (p: { id: number; type: string }): Role => {
    if (p.id === pagePid) return 'page';
    if (p.type === 'renderer') return isExtensionRenderer(p.id) ? 'extension' : 'renderer';
    if (p.type === 'browser') return 'browser';
    if (p.type === 'GPU') return 'gpu';
    return 'utility';
  };

  let last = new Map<number, number>();
  let lastNode = process.cpuUsage();
  return {
    available: pagePid > 0,
    async mark() {
      const out = zero();
      const now = new Map<number, number>();
      for (const p of await list()) {
        const ms = cpuMs(p.id);
        now.set(p.id, ms);
        out[roleOf(p)] += ms - (last.get(p.id) ?? ms);
      }
      const node = process.cpuUsage();
      out.node = (node.user - lastNode.user + node.system - lastNode.system) / 1000;
      last = now;
      lastNode = node;
      return out;
    },
  };
}
