/**
 * Session files: export what was recorded, import it later as a view-only session.
 * The file keeps the raw decoded events in order, so export is one stringify and import is
 * the same apply path as live data — after every event passes decodeEvent again (a file is
 * as untrusted as the page).
 */
import { decodeEvent, type HookEvent, PROTOCOL_VERSION } from '../../../runtime-hook/protocol';
import type { SessionInfo } from '../link-types';
import { SessionStore } from './session';

export const SESSION_FORMAT = 'hindsight-session';
export const SESSION_FILE_VERSION = 1;

export interface SessionFile {
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_FILE_VERSION;
  protocol: number;
  exportedAt: number;
  session: SessionInfo | null;
  events: HookEvent[];
}

export function exportSession(store: SessionStore, now = Date.now()): string {
  const file: SessionFile = {
    format: SESSION_FORMAT,
    version: SESSION_FILE_VERSION,
    protocol: PROTOCOL_VERSION,
    exportedAt: now,
    session: store.info,
    events: store.raw,
  };
  return JSON.stringify(file);
}

/** A file name like hindsight-localhost-2024-05-01T10-00-00.json (safe characters only). */
export function exportFileName(store: SessionStore, now = Date.now()): string {
  let host = 'session';
  try {
    if (store.info?.url) host = new URL(store.info.url).host || host;
  } catch {
    // not a URL: keep the default
  }
  const stamp = new Date(now).toISOString().slice(0, 19).replace(/:/g, '-');
  return `hindsight-${host.replace(/[^\w.-]+/g, '_')}-${stamp}.json`;
}

/** Hand the browser a file to save (Blob + object URL + a temporary <a download>). */
export function downloadText(text: string, fileName: string, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  doc.body.appendChild(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface ImportResult {
  store?: SessionStore;
  /** Events that failed validation (not applied). */
  bad: number;
  total: number;
  /** The file as a whole was unusable. */
  error?: string;
}

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function sessionInfo(x: unknown): SessionInfo | null {
  if (!isObj(x)) return null;
  const { session, hook, url, startedAt } = x;
  if (typeof session !== 'string' || typeof hook !== 'string' || typeof url !== 'string') return null;
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) return null;
  return { session: session.slice(0, 64), hook: hook.slice(0, 64), url: url.slice(0, 8192), startedAt };
}

/**
 * Parse and validate a session file into a view-only store, kept within `budget` (the
 * panel's memory budget) as it is applied. Never throws.
 */
export function importSession(text: string, budget?: number): ImportResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { bad: 0, total: 0, error: 'not a JSON file' };
  }
  if (!isObj(parsed) || parsed.format !== SESSION_FORMAT) {
    return { bad: 0, total: 0, error: 'not a Hindsight session file' };
  }
  if (parsed.version !== SESSION_FILE_VERSION) {
    // Said without calling the file's own toString (a JSON object may carry a broken one).
    const v = parsed.version;
    const shown = typeof v === 'number' || typeof v === 'string' ? String(v).slice(0, 40) : typeof v;
    return { bad: 0, total: 0, error: `unsupported session file version ${shown}` };
  }
  if (!Array.isArray(parsed.events)) return { bad: 0, total: 0, error: 'the file has no events list' };
  const events: HookEvent[] = [];
  let bad = 0;
  for (const raw of parsed.events) {
    const ev = decodeEvent(raw);
    if (ev) events.push(ev);
    else bad++;
  }
  const store = new SessionStore(sessionInfo(parsed.session), true);
  if (budget !== undefined) store.setBudget(budget);
  store.apply(events);
  return { store, bad, total: parsed.events.length };
}
