/**
 * A minimal raw Chrome DevTools Protocol client over one target's WebSocket, for targets
 * Playwright does not expose (DevTools windows and the iframes inside them).
 */
import WebSocket from 'ws';

export interface CdpTarget {
  id: string;
  type: string;
  url: string;
  title: string;
  webSocketDebuggerUrl?: string;
  parentId?: string;
}

/** Targets from the browser's `/json/list` endpoint. */
export async function listTargets(port: number): Promise<CdpTarget[]> {
  const res = await fetch(`http://127.0.0.1:${port}/json/list`);
  return (await res.json()) as CdpTarget[];
}

export class CdpConnection {
  private nextId = 1;
  private pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

  private constructor(private ws: WebSocket) {
    ws.on('message', (data) => {
      let msg: { id?: number; result?: unknown; error?: { message: string } };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (msg.id === undefined) return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.fail(new Error(msg.error.message));
      else p.ok(msg.result);
    });
    ws.on('close', () => {
      for (const p of this.pending.values()) p.fail(new Error('CDP connection closed'));
      this.pending.clear();
    });
  }

  static async open(wsUrl: string, timeoutMs = 10_000): Promise<CdpConnection> {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => {
        ws.terminate();
        fail(new Error(`CDP connect timeout: ${wsUrl}`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        ok();
      });
      ws.once('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
    });
    return new CdpConnection(ws);
  }

  send<T = unknown>(method: string, params: object = {}, timeoutMs = 15_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((ok, fail) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        fail(new Error(`CDP ${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        ok: (v) => {
          clearTimeout(timer);
          ok(v as T);
        },
        fail: (e) => {
          clearTimeout(timer);
          fail(e);
        },
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Runtime.evaluate an expression (awaiting promises); returns its JSON value or throws. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = await this.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) {
      throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    }
    return r.result.value as T;
  }

  close(): void {
    this.ws.close();
  }
}
