/**
 * The two example apps written for Redux DevTools (no Hindsight import): bundled as an app
 * under development would be, and served on 127.0.0.1 as /rtk.html and /zustand.html.
 */
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { type StaticServer, startStaticServer } from './server';

const here = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));

/** Bundle an example app (development mode, as an app under development runs) to one classic script. */
async function bundle(entry: string): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'warn',
    mode: 'development',
    define: { 'process.env.NODE_ENV': JSON.stringify('development') },
    build: {
      write: false,
      minify: false,
      rolldownOptions: { input: here(entry), output: { format: 'iife', codeSplitting: false } },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const first = Array.isArray(out) ? out[0] : out;
  const chunk = first.output.find((o) => o.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error(`no bundle for ${entry}`);
  return chunk.code;
}

const page = (script: string) =>
  `<!doctype html><meta charset="utf-8"><title>${script}</title><button id="inc">+1</button> <button id="add">+10</button> <span id="n"></span><script src="/${script}.js"></script>`;

export async function serveCompatApps(): Promise<StaticServer> {
  const [rtk, zustand] = await Promise.all([bundle('./apps/rtk-app.ts'), bundle('./apps/zustand-app.ts')]);
  return startStaticServer({
    '/rtk.html': page('rtk'),
    '/rtk.js': rtk,
    '/zustand.html': page('zustand'),
    '/zustand.js': zustand,
  });
}
