/**
 * Content script: a thin relay between the page hook (window.postMessage) and the
 * background (a runtime Port). Runs at document_start in the top frame, isolated world.
 *
 * - Accepts window messages only from this very window with our tag and a valid shape
 *   (decodePageEnvelope). Tagged messages that fail (from a frame, another protocol
 *   version, a wrong shape) are counted and reported upward as `dropped`, coalesced, once a
 *   panel listens for this tab (counts made before that wait for it; nothing wakes the
 *   background for them); untagged messages are the app's own and are ignored.
 * - Opens the Port lazily, on the first valid page message, so pages without a hook never
 *   wake the background. The MV3 worker may stop at any time: the Port is reopened at once
 *   and then with a short backoff; while it is down, messages wait in a bounded queue. What
 *   still gets lost in flight is recovered by the protocol (seq / ack / sync / resend).
 */

import {
  CONTENT_PORT,
  type Command,
  decodeToContent,
  EXT_SOURCE,
  type FromContent,
  PROTOCOL_VERSION,
} from '../runtime-hook/protocol';
import { browser, type Runtime } from './browser';
import { COMPAT_OFF_KEY, COMPAT_STORAGE_KEY, mirrorCompatSetting } from './compat-setting';
import { judgePageMessage } from './gate';

/** Characters of batch bodies kept while the Port is down. */
const QUEUE_MAX_CHARS = 4 * 1024 * 1024;
const DROP_REPORT_MS = 250;
const BACKOFF_MIN_MS = 25;
const BACKOFF_MAX_MS = 1000;
/** A Port that stayed up this long resets the backoff. */
const STABLE_MS = 1000;

const targetOrigin = location.origin === 'null' ? '*' : location.origin;

function toPage(msg: { kind: 'connect' } | { kind: 'command'; session: string; cmd: Command }): void {
  try {
    window.postMessage({ source: EXT_SOURCE, v: PROTOCOL_VERSION, ...msg }, targetOrigin);
  } catch {
    // The document is going away.
  }
}

// --- upward: Port to the background ------------------------------------------------------

let port: Runtime.Port | null = null;
let dead = false;
let backoff = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let stableTimer: ReturnType<typeof setTimeout> | undefined;
const queue: FromContent[] = [];
let queueChars = 0;
let lastHello: Extract<FromContent, { kind: 'hello' }> | null = null;
/** A panel for this tab is connected (the background says so on every (re)connect). */
let panelListening = false;

function connect(): void {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  if (dead || port) return;
  let p: Runtime.Port;
  try {
    p = browser.runtime.connect({ name: CONTENT_PORT });
  } catch {
    // "Extension context invalidated": the extension was reloaded or removed. Stop.
    dead = true;
    return;
  }
  port = p;
  p.onMessage.addListener(onPortMessage);
  p.onDisconnect.addListener(() => {
    if (port !== p) return;
    port = null;
    // Unknown until the background says again (it does on the next connect).
    panelListening = false;
    clearTimeout(stableTimer);
    scheduleReconnect();
  });
  stableTimer = setTimeout(() => {
    backoff = 0;
  }, STABLE_MS);
  flush();
}

function scheduleReconnect(): void {
  if (dead || retryTimer !== undefined) return;
  const delay = backoff;
  backoff = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, backoff * 2));
  retryTimer = setTimeout(connect, delay);
}

function post(msg: FromContent): boolean {
  if (!port) return false;
  try {
    port.postMessage(msg);
    return true;
  } catch {
    // Disconnected under us (onDisconnect may not have run yet).
    port = null;
    scheduleReconnect();
    return false;
  }
}

function send(msg: FromContent): void {
  if (queue.length === 0 && post(msg)) return;
  enqueue(msg);
  if (!port) scheduleReconnect();
  else flush();
}

function enqueue(msg: FromContent): void {
  // The latest hello is re-sent whenever a panel (re)connects; queue only the rest.
  if (msg.kind === 'hello') return;
  const size = msg.kind === 'batch' ? msg.body.length : 64;
  queue.push(msg);
  queueChars += size;
  // Oldest first out; the page's resend covers what is dropped here.
  while (queueChars > QUEUE_MAX_CHARS && queue.length > 1) {
    const old = queue.shift()!;
    queueChars -= old.kind === 'batch' ? old.body.length : 64;
  }
}

function flush(): void {
  // No hello here: on every content connect the background says `panel` if a panel listens,
  // and that re-sends the hello.
  while (queue.length > 0) {
    if (!post(queue[0])) return;
    const m = queue.shift()!;
    queueChars -= m.kind === 'batch' ? m.body.length : 64;
  }
}

function onPortMessage(raw: unknown): void {
  const m = decodeToContent(raw);
  if (!m) return;
  if (m.kind === 'panel') {
    panelListening = m.connected;
    // A panel (re)connected for this tab: tell it which session lives here, and what was
    // refused while nobody listened.
    if (m.connected && lastHello) post(lastHello);
    scheduleDropReport();
  } else {
    toPage({ kind: 'command', session: m.session, cmd: m.cmd });
  }
}

// --- drop counting -------------------------------------------------------------------------

/** Counts by reason (the small fixed set in gate.ts), kept until a panel listens. */
const drops = new Map<string, number>();
let dropsTimer: ReturnType<typeof setTimeout> | undefined;

function countDrop(reason: string): void {
  drops.set(reason, (drops.get(reason) ?? 0) + 1);
  scheduleDropReport();
}

function scheduleDropReport(): void {
  if (!panelListening || dropsTimer !== undefined || drops.size === 0) return;
  dropsTimer = setTimeout(reportDrops, DROP_REPORT_MS);
}

function reportDrops(): void {
  dropsTimer = undefined;
  if (!panelListening) return;
  for (const [reason, count] of drops) send({ kind: 'dropped', where: 'content', reason, count });
  drops.clear();
}

// --- downward: window messages from the page -------------------------------------------

/** Sessions already answered with `connect` (the hook answers every `connect` with a hello). */
const answered = new Set<string>();

window.addEventListener('message', (event: MessageEvent) => {
  let data: unknown;
  try {
    data = event.data;
  } catch {
    return;
  }
  const verdict = judgePageMessage(data, event.source === window);
  if ('ignore' in verdict) return;
  if ('drop' in verdict) {
    countDrop(verdict.drop);
    return;
  }
  const env = verdict.accept;
  if (env.kind === 'hello') {
    const hello: FromContent = {
      kind: 'hello',
      session: env.session,
      hook: env.hook,
      url: env.url,
      startedAt: env.startedAt,
    };
    lastHello = hello;
    // A hook that loaded after our first `connect` learns of us now. Once per session:
    // the hook answers each `connect` with another hello.
    if (!answered.has(env.session)) {
      if (answered.size > 64) answered.clear();
      answered.add(env.session);
      toPage({ kind: 'connect' });
    }
    if (!port) connect();
    else send(hello);
  } else {
    send({ kind: 'batch', session: env.session, first: env.first, count: env.count, body: env.body });
  }
});

toPage({ kind: 'connect' });

// --- the Redux DevTools-compatible global's off switch ---------------------------------------
// Mirror the panel's setting into this origin's localStorage, where the MAIN-world script
// (compat-main.ts) reads it synchronously at document_start. Storage events need no background.

function mirrorCompat(value: unknown): void {
  const enabled = value !== false;
  try {
    if ((localStorage.getItem(COMPAT_OFF_KEY) === '1') === !enabled) return;
  } catch {
    return;
  }
  mirrorCompatSetting(enabled);
}

try {
  browser.storage.local.get(COMPAT_STORAGE_KEY).then(
    (v) => mirrorCompat(v[COMPAT_STORAGE_KEY]),
    () => {},
  );
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && COMPAT_STORAGE_KEY in changes) mirrorCompat(changes[COMPAT_STORAGE_KEY].newValue);
  });
} catch {
  // No storage API (extension context gone): the global keeps its default.
}
