/**
 * A LiveView server for tests, on 127.0.0.1: serves the page and app.js, and speaks the
 * Phoenix channel protocol (serializer 2.0.0) on /live/websocket by replaying a recorded
 * transcript (TranscriptPlayer). Every websocket connection replays the recording's first
 * connection from its start, so a reload gets the same LiveView again.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { pageHtml } from './liveview-page';
import { connection, type Frame, type Transcript, TranscriptPlayer } from './liveview-transcript';

export interface LiveViewTestServer {
  url: string;
  /** Serve this recording (its page at its path) and this app bundle from now on. */
  use(t: Transcript, appJs: string): void;
  /** The player of the newest connection. */
  readonly player: TranscriptPlayer | undefined;
  readonly connections: number;
  /** Send raw data (text or binary) to the newest connection, as the server would. */
  sendRaw(data: string | Buffer): void;
  close(): Promise<void>;
}

export async function startLiveViewServer(timeScale = 0.2): Promise<LiveViewTestServer> {
  let transcript: Transcript | undefined;
  let appJs = '';
  let player: TranscriptPlayer | undefined;
  let socket: WebSocket | undefined;
  let connections = 0;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { 'cache-control': 'no-store' };
    if (path === '/app.js') {
      res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(appJs);
      return;
    }
    if (!transcript || path !== transcript.path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const frames = connection(transcript, 1);
    const join = frames.find((f) => f.dir === 'sent' && f.frame[3] === 'phx_join')!.frame;
    const reply = frames.find(
      (f) => f.dir === 'recv' && f.frame[1] === join[1] && f.frame[3] === 'phx_reply',
    );
    res
      .writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' })
      .end(pageHtml(join, reply?.frame));
  };

  const http = createServer(handle);
  const wss = new WebSocketServer({ server: http, path: '/live/websocket' });
  wss.on('connection', (ws) => {
    if (!transcript) return ws.close();
    connections++;
    const p = new TranscriptPlayer(connection(transcript, 1), timeScale);
    player = p;
    socket = ws;
    // Answers keep their recorded order even when their delays overlap.
    let chain = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      for (const a of p.onClientFrame(frame)) {
        chain = chain.then(
          () =>
            new Promise<void>((ok) =>
              setTimeout(() => {
                if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(a.frame));
                ok();
              }, a.delay),
            ),
        );
      }
    });
  });

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    use(t, js) {
      transcript = t;
      appJs = js;
    },
    get player() {
      return player;
    },
    get connections() {
      return connections;
    },
    sendRaw(data) {
      socket?.send(data, { binary: typeof data !== 'string' });
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => ok());
      }),
  };
}
