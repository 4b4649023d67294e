/**
 * Test pages for the reliability tests: the hook app (apps/hook-app.ts, the real runtime
 * hook) and the benchmark's app under load, each bundled once per run to one classic
 * script, and small servers for the app origin, a second origin (cross-origin frames) and
 * a canary that records every request made to it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Routes, type StaticServer, startStaticServer } from '../../e2e/harness/server';
import { iifeBundle } from '../../support/iife-bundle';

const HOOK_APP = fileURLToPath(new URL('../apps/hook-app.ts', import.meta.url));
/** The benchmark's app under load (one store, 4 hook events per message, time-sliced). */
const THROUGHPUT_APP = fileURLToPath(new URL('../../bench/harness/throughput-app.ts', import.meta.url));

const bundle = (entry: string) => iifeBundle(entry, { name: 'HindsightTestApp' });

/** The hook app (apps/hook-app.ts). */
export function hookAppBundle(): Promise<string> {
  return bundle(HOOK_APP);
}

/** The throughput app (tests/bench/harness/throughput-app.ts), on `window.__hsTp`. */
export function throughputAppBundle(): Promise<string> {
  return bundle(THROUGHPUT_APP);
}

export const page = (body: string, scripts: string[] = ['/app.js']) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reliability</title>${scripts
    .map((s) => `<script src="${s}"></script>`)
    .join('')}</head><body>${body}</body></html>`;

/** Serve the hook app at /app.js, plus `routes`. */
export async function serveHookApp(routes: Routes = {}): Promise<StaticServer> {
  return startStaticServer({
    '/app.js': await hookAppBundle(),
    '/index.html': page('<p>app</p>'),
    ...routes,
  });
}

export interface Canary {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Paths requested so far (`/exec/<id>` from a script that ran, `/load/<id>` from markup). */
  hits: string[];
  close(): Promise<void>;
}

/** A server that answers everything with an empty 204 and remembers what was asked. */
export async function startCanary(): Promise<Canary> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(204, { 'access-control-allow-origin': '*' }).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
