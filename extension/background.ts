/**
 * Background: a stateless router between content scripts and panels. Chrome runs it as an
 * MV3 service worker, Firefox as an event page; either may be stopped at any time, so all
 * state here is rebuilt from reconnecting Ports:
 *   tabId → the top frame's content Port      (tab id from port.sender, never from a message)
 *   tabId → the panel Ports of that tab        (tab id from the port name `hindsight-panel:<id>`)
 * Content → panel: validated (gate.ts judgeFromContent), forwarded only to panels of the
 * sender's tab; dropped silently when no panel listens (the page keeps history; the panel
 * asks with sync). Refused messages are counted and reported to the tab's panels.
 * Panel → content: validated (judgeFromPanel), forwarded as a ToContent command to the
 * content script of the panel's own tab only.
 * All listeners are registered synchronously at top level (MV3).
 */

import { CONTENT_PORT, PANEL_PORT_PREFIX, type ToContent, type ToPanel } from '../runtime-hook/protocol';
import { browser, type Runtime } from './browser';
import { judgeFromContent, judgeFromPanel } from './gate';

const contentPorts = new Map<number, Runtime.Port>();
const panelPorts = new Map<number, Set<Runtime.Port>>();

/** Invalid content messages per tab, reported to its panels in coalesced `dropped` messages. */
const drops = new Map<number, Map<string, number>>();
let dropsPending = false;

const extensionBase = browser.runtime.getURL('');

function safePost(port: Runtime.Port, msg: ToPanel | ToContent): void {
  try {
    port.postMessage(msg);
  } catch {
    // Disconnected; its onDisconnect cleans up.
  }
}

function toPanels(tabId: number, msg: ToPanel): void {
  const set = panelPorts.get(tabId);
  if (set) for (const p of set) safePost(p, msg);
}

function countDrop(tabId: number, reason: string): void {
  let m = drops.get(tabId);
  if (!m) {
    m = new Map();
    drops.set(tabId, m);
  }
  m.set(reason, (m.get(reason) ?? 0) + 1);
  if (dropsPending) return;
  dropsPending = true;
  setTimeout(() => {
    dropsPending = false;
    for (const [tab, reasons] of drops) {
      for (const [reason, count] of reasons)
        toPanels(tab, { kind: 'dropped', where: 'background', reason, count });
    }
    drops.clear();
  }, 250);
}

function onContentPort(port: Runtime.Port): void {
  const tabId = port.sender?.tab?.id;
  // Top frame of a real tab only; anything else is not ours to relay.
  if (typeof tabId !== 'number' || tabId < 0 || port.sender?.frameId !== 0) {
    port.disconnect();
    return;
  }
  // A newer document's content script replaces the old one; the old Port (a page leaving,
  // or in the back/forward cache) is simply no longer listened to.
  contentPorts.set(tabId, port);
  port.onMessage.addListener((raw: unknown) => {
    if (contentPorts.get(tabId) !== port) return;
    if (!panelPorts.get(tabId)?.size) return;
    const verdict = judgeFromContent(raw);
    if ('accept' in verdict) toPanels(tabId, verdict.accept);
    else if ('drop' in verdict) countDrop(tabId, verdict.drop);
  });
  port.onDisconnect.addListener(() => {
    if (contentPorts.get(tabId) !== port) return;
    contentPorts.delete(tabId);
    toPanels(tabId, { kind: 'page-gone' });
  });
  if (panelPorts.get(tabId)?.size) safePost(port, { kind: 'panel', connected: true });
}

function onPanelPort(port: Runtime.Port, tabId: number): void {
  let set = panelPorts.get(tabId);
  if (!set) {
    set = new Set();
    panelPorts.set(tabId, set);
  }
  set.add(port);
  port.onMessage.addListener((raw: unknown) => {
    const verdict = judgeFromPanel(raw);
    if ('drop' in verdict) countDrop(tabId, verdict.drop);
    if (!('accept' in verdict)) return;
    const { session, cmd } = verdict.accept;
    const content = contentPorts.get(tabId);
    if (content) safePost(content, { kind: 'command', session, cmd });
  });
  port.onDisconnect.addListener(() => {
    const s = panelPorts.get(tabId);
    if (!s) return;
    s.delete(port);
    if (s.size === 0) {
      panelPorts.delete(tabId);
      const content = contentPorts.get(tabId);
      if (content) safePost(content, { kind: 'panel', connected: false });
    }
  });
  const content = contentPorts.get(tabId);
  if (content) safePost(content, { kind: 'panel', connected: true });
}

browser.runtime.onConnect.addListener((port: Runtime.Port) => {
  // Only this extension's own contexts can reach onConnect; still, check who is who.
  if (port.sender?.id !== undefined && port.sender.id !== browser.runtime.id) {
    port.disconnect();
    return;
  }
  if (port.name === CONTENT_PORT) {
    onContentPort(port);
    return;
  }
  if (port.name.startsWith(PANEL_PORT_PREFIX)) {
    const rest = port.name.slice(PANEL_PORT_PREFIX.length);
    const tabId = /^\d{1,15}$/.test(rest) ? Number(rest) : Number.NaN;
    // Panels are extension pages; a content script must not pose as one.
    const url = port.sender?.url;
    if (!Number.isSafeInteger(tabId) || (typeof url === 'string' && !url.startsWith(extensionBase))) {
      port.disconnect();
      return;
    }
    onPanelPort(port, tabId);
    return;
  }
  port.disconnect();
});
