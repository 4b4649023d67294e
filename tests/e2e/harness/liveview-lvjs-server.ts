/**
 * A live LiveView server for tests: LiveViewJS 0.8.1 (a TypeScript implementation of the
 * LiveView protocol) on Express, on 127.0.0.1, serving the test app bundle as /app.js.
 * Its LiveViews are small and deterministic; `/counter` also reports its assigns and
 * handler times to Hindsight through push_event (docs/liveview-server-protocol.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import session from 'express-session';
import type { LiveViewRouter } from 'liveviewjs';
import { WebSocketServer } from 'ws';

/**
 * LiveViewJS downloads a mime-type table from a CDN when it is loaded (for uploads). No
 * test may reach outside this machine: it gets an empty table instead, and the library is
 * loaded only here, with fetch answered locally while it loads.
 */
async function loadLiveViewJs() {
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) =>
    String(input instanceof Request ? input.url : input).startsWith('https://cdn.jsdelivr.net/')
      ? Promise.resolve(new Response('{}', { headers: { 'content-type': 'application/json' } }))
      : realFetch(input, init);
  try {
    // Both builds: @liveviewjs/express requires the CommonJS one, which loads its own table.
    return { lv: await import('liveviewjs'), lvExpress: await import('@liveviewjs/express') };
  } finally {
    globalThis.fetch = realFetch;
  }
}
const { lv: lvjs, lvExpress } = await loadLiveViewJs();
const { createLiveView, html, live_title_tag, safe } = lvjs;

type CounterEvent = { type: 'inc' } | { type: 'dec' } | { type: 'shout' } | { type: 'later' };
type CounterInfo = { type: 'tick' };

const counter = createLiveView<{ count: number; note: string }, CounterEvent, CounterInfo>({
  mount: (socket) => socket.assign({ count: 0, note: 'mounted' }),
  handleEvent: (event, socket) => {
    const started = performance.now();
    const count = socket.context.count;
    if (event.type === 'inc') socket.assign({ count: count + 1 });
    if (event.type === 'dec') socket.assign({ count: count - 1 });
    if (event.type === 'shout') {
      socket.pushEvent({ type: 'js-hello', greeting: 'hi from server' });
      socket.pageTitle('Shouted!');
    }
    if (event.type === 'later') {
      socket.assign({ note: 'waiting' });
      socket.sendInfo({ type: 'tick' });
    }
    // What only the server knows, in the documented shape.
    socket.pushEvent({
      type: 'hindsight:report',
      v: 1,
      kind: 'assigns',
      assigns: { count: socket.context.count, note: socket.context.note },
    });
    socket.pushEvent({
      type: 'hindsight:report',
      v: 1,
      kind: 'handler',
      name: `handleEvent ${event.type}`,
      message_kind: 'event',
      duration_ms: performance.now() - started,
    });
  },
  handleInfo: (_info, socket) => {
    socket.assign({ note: 'info handled' });
  },
  render: (ctx) => html`<div id="counter">
  <h1>Count: <span id="count">${ctx.count}</span></h1>
  <p id="note">${ctx.note}</p>
  <button id="dec" phx-click="dec">-</button>
  <button id="inc" phx-click="inc">+</button>
  <button id="shout" phx-click="shout">shout</button>
  <button id="later" phx-click="later">later</button>
</div>`,
});

export interface LvjsServer {
  url: string;
  close(): Promise<void>;
}

export async function startLiveViewJsServer(appJs: string): Promise<LvjsServer> {
  const router: LiveViewRouter = { '/counter': counter };
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
  const lv = new lvExpress.NodeExpressLiveViewServer(
    router,
    page as never,
    { title: 'LiveViewJS test' },
    {
      serDeSigningSecret: 'hindsight-test-secret',
    },
  );
  const app = express();
  app.use(session({ secret: 'hindsight-test-secret', resave: false, saveUninitialized: true }));
  app.get('/app.js', (_req, res) => {
    res.type('text/javascript').set('cache-control', 'no-store').send(appJs);
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
