/**
 * The LiveView benchmark's server and page: LiveViewJS 0.8.1 (a real LiveView server) on
 * Express on 127.0.0.1, with one small view whose every event answers with a small diff,
 * and the page bundle (liveview-bench-entry.ts on the real phoenix_live_view 1.0.19 client).
 *
 * Pages are served cross-origin isolated (COOP + COEP) so `performance.now()` in the page
 * has fine resolution (5 µs in Chromium, against 100 µs otherwise).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import session from 'express-session';
import { build } from 'vite';
import { WebSocketServer } from 'ws';

const ENTRY = fileURLToPath(new URL('./liveview-bench-entry.ts', import.meta.url));

/** app.js for the benchmark page (built in memory). */
export async function benchBundle(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'development',
    build: {
      write: false,
      minify: false,
      sourcemap: false,
      lib: { entry: ENTRY, formats: ['iife'], name: 'HindsightBench', fileName: () => 'app.js' },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('no benchmark bundle');
  return chunk.code;
}

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function startBenchServer(appJs: string): Promise<BenchServer> {
  // The e2e server module loads LiveViewJS without letting it reach the network (it fetches
  // a mime table from a CDN at load); once loaded, the modules are shared from the cache.
  await import('../../e2e/harness/liveview-lvjs-server');
  const { createLiveView, html, live_title_tag, safe } = await import('liveviewjs');
  const { NodeExpressLiveViewServer } = await import('@liveviewjs/express');

  type Ev = { type: 'inc'; i?: number };
  const counter = createLiveView<{ count: number; last: number }, Ev, never>({
    mount: (socket) => socket.assign({ count: 0, last: -1 }),
    handleEvent: (event, socket) => {
      if (event.type === 'inc')
        socket.assign({ count: socket.context.count + 1, last: Number(event.i ?? -1) });
    },
    render: (ctx) => html`<div id="bench" phx-hook="Bench">
  <h1>Count: <span id="count">${ctx.count}</span></h1>
  <p>last event <span id="last">${ctx.last}</span></p>
</div>`,
  });

  const page = (title: { title: string }, csrfToken: string, content: unknown) => html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="csrf-token" content="${csrfToken}">
${live_title_tag(title.title)}
<script defer src="/app.js"></script>
</head>
<body>${safe(content)}</body>
</html>`;
  const lv = new NodeExpressLiveViewServer(
    { '/bench': counter },
    page as never,
    { title: 'Hindsight LiveView benchmark' },
    { serDeSigningSecret: 'hindsight-bench-secret' },
  );
  const app = express();
  app.use((_req, res, next) => {
    res.set({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    next();
  });
  app.use(session({ secret: 'hindsight-bench-secret', resave: false, saveUninitialized: true }));
  app.get('/app.js', (_req, res) => {
    res.type('text/javascript').send(appJs);
  });
  app.use(lv.httpMiddleware());
  const http = createServer(app);
  const wss = new WebSocketServer({ server: http, path: '/live/websocket' });
  await lv.wsMiddleware()(wss);
  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => ok());
      }),
  };
}
