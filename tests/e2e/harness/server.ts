/**
 * A tiny static HTTP server for test pages, on 127.0.0.1 and a free port.
 * `startStaticServer(dir)` serves files under `dir`; `startStaticServer(routes)` serves
 * fixed bodies by path (`/` is `/index.html`).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

export interface Route {
  body: string | Uint8Array;
  /** Content-Type; by default from the path's extension. */
  type?: string;
  headers?: Record<string, string>;
}

export type Routes = Record<string, Route | string>;

export interface StaticServer {
  /** Origin, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

const typeOf = (path: string): string => TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

/** `listenPort` 0 (the default) takes any free port; the demo asks for a fixed one. */
export async function startStaticServer(source: string | Routes, listenPort = 0): Promise<StaticServer> {
  const root = typeof source === 'string' ? resolve(source) : null;
  const routes = typeof source === 'string' ? null : source;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (routes) {
      const r = routes[path];
      if (r === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const route: Route = typeof r === 'string' ? { body: r } : r;
      res.writeHead(200, { ...headers, 'content-type': route.type ?? typeOf(path), ...route.headers });
      res.end(route.body);
      return;
    }
    const file = normalize(join(root!, path));
    if (file !== root && !file.startsWith(root! + sep)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': typeOf(file) }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(listenPort, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
