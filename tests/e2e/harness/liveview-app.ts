/**
 * The test page's app, as a generated Phoenix app's app.js has it: a LiveSocket on the real
 * client, connected, then published as window.liveSocket. `plv10` is aliased to the client
 * under test when the page is built (liveview-page.ts). No Hindsight in here: the entry
 * that adds the hook imports this after it.
 */
import { Socket } from 'phoenix';
import { LiveSocket } from 'plv10';

const hooks = {
  // The `push` scenario: a button that pushEvents `ping` and shows the reply.
  Pusher: {
    mounted(this: {
      el: HTMLElement;
      pushEvent(e: string, p: unknown, cb: (r: { n: number }) => void): void;
    }) {
      this.el.querySelector('#ping-btn')?.addEventListener('click', () =>
        this.pushEvent('ping', { sent_at: Date.now() }, (r) => {
          const out = this.el.querySelector('#ping-reply');
          if (out) out.textContent = `pong #${r.n}`;
        }),
      );
    },
  },
};

// A real server (LiveViewJS) checks the CSRF token from the page; the replay server does not.
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? 'test';
const liveSocket = new LiveSocket('/live', Socket, { hooks, params: { _csrf_token: csrf } }) as {
  connect(): void;
};
liveSocket.connect();
(window as unknown as { liveSocket: unknown }).liveSocket = liveSocket;
