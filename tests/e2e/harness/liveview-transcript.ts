/**
 * Recorded LiveView traffic (shared/fixtures/liveview) as a server that can answer a real
 * client again. Both fixture formats load into one shape; `TranscriptPlayer` speaks the
 * server side of one websocket: when the client sends a frame matching the next recorded
 * `sent` frame (same topic and event; refs remapped), it answers with the recorded frames
 * that followed it. Pure (no sockets, no timers), so unit tests and the e2e server share it.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// A string, not `new URL(…)`: under happy-dom the global URL is not Node's.
export const FIXTURES = `${resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/liveview')}/`;

/** `[join_ref, ref, topic, event, payload]`, the 2.0.0 serializer's frame. */
export type Frame = [string | null, string | null, string, string, unknown];
export interface RecordedFrame {
  dir: 'sent' | 'recv';
  /** ms since the recording started */
  t: number;
  /** connection number (page load) */
  ws: number;
  frame: Frame;
}
export interface Transcript {
  name: string;
  /** Path of the page the LiveView lived on (from the first join's url). */
  path: string;
  frames: RecordedFrame[];
  /** User steps named by the recording (LiveViewJS fixtures), by time. */
  marks: { t: number; label: string }[];
  checks: { label: string; value: unknown }[];
}

interface PhoenixFixture {
  scenario: string;
  websockets: { frames: { dir: string; t: number; payload: string }[] }[];
  checks?: { label: string; value: unknown }[];
}
interface LvjsFixture {
  frames: { t: number; ws?: number; dir: string; data?: Frame; label?: string }[];
}

export function loadTranscript(relPath: string): Transcript {
  const raw = JSON.parse(readFileSync(`${FIXTURES}${relPath}`, 'utf8')) as PhoenixFixture | LvjsFixture;
  const frames: RecordedFrame[] = [];
  const marks: Transcript['marks'] = [];
  let checks: Transcript['checks'] = [];
  if ('websockets' in raw) {
    raw.websockets.forEach((ws, i) => {
      for (const f of ws.frames) {
        frames.push({
          dir: f.dir === 'sent' ? 'sent' : 'recv',
          t: f.t,
          ws: i + 1,
          frame: JSON.parse(f.payload) as Frame,
        });
      }
    });
    checks = raw.checks ?? [];
  } else {
    for (const f of raw.frames) {
      if (f.dir === 'mark') marks.push({ t: f.t, label: f.label ?? '' });
      else if ((f.dir === 'sent' || f.dir === 'recv') && f.data)
        frames.push({ dir: f.dir, t: f.t, ws: f.ws ?? 1, frame: f.data });
    }
  }
  const join = frames.find((f) => f.dir === 'sent' && f.frame[3] === 'phx_join');
  const p = join?.frame[4] as { url?: string; redirect?: string } | undefined;
  const path = p?.url || p?.redirect ? new URL((p.url ?? p.redirect) as string).pathname : '/';
  return { name: relPath, path, frames, marks, checks };
}

/** The recorded frames of one connection. */
export const connection = (t: Transcript, ws: number): RecordedFrame[] => t.frames.filter((f) => f.ws === ws);

/** What the client must be told, `delay` ms after the previous answer. */
export interface Answer {
  frame: Frame;
  delay: number;
}

const isHeartbeat = (f: RecordedFrame) => f.frame[2] === 'phoenix';

/** Plays the server's side of one recorded connection. */
export class TranscriptPlayer {
  private cursor = 0;
  /** Where the next replayed event is looked for (see onClientFrame). */
  private replayCursor = 0;
  /** recorded ref → the client's ref (join refs included: they are refs too). */
  private refs = new Map<string, string>();
  /** Client frames that matched a recorded one, and those that did not. */
  matched = 0;
  unmatched: Frame[] = [];

  constructor(
    private frames: RecordedFrame[],
    /** Recorded gaps between answers are multiplied by this (0: all at once). */
    private timeScale = 0.2,
    private maxDelay = 1000,
  ) {}

  /** The client sent `frame`: what to answer. */
  onClientFrame(frame: Frame): Answer[] {
    const [joinRef, ref, topic, event] = frame;
    if (topic === 'phoenix' && event === 'heartbeat')
      return [{ frame: [null, ref, 'phoenix', 'phx_reply', { status: 'ok', response: {} }], delay: 0 }];
    const matches = (f: RecordedFrame) =>
      f.dir === 'sent' && !isHeartbeat(f) && f.frame[2] === topic && f.frame[3] === event;
    const i = this.frames.findIndex((f, k) => k >= this.cursor && matches(f));
    if (i < 0 && event === 'event') {
      // Past the end: a replay re-sends recorded events. Answer each like its recording,
      // taking recorded events in order (wrapping once), so replaying events k..m of the
      // recording gets the replies k..m got.
      const name = (frame[4] as { event?: unknown } | null)?.event;
      const same = (f: RecordedFrame) => matches(f) && (f.frame[4] as { event?: unknown }).event === name;
      let j = this.frames.findIndex((f, k) => k >= this.replayCursor && same(f));
      if (j < 0) j = this.frames.findIndex(same);
      if (j >= 0) {
        this.replayCursor = j + 1;
        this.matched++;
        this.mapRefs(this.frames[j].frame, joinRef, ref);
        return this.answersFrom(j + 1, this.frames[j].t).answers;
      }
    }
    if (i < 0) {
      this.unmatched.push(frame);
      // A leave we did not record still deserves its reply; anything else goes unanswered.
      return event === 'phx_leave'
        ? [{ frame: [joinRef, ref, topic, 'phx_reply', { status: 'ok', response: {} }], delay: 0 }]
        : [];
    }
    const sent = this.frames[i];
    this.matched++;
    this.mapRefs(sent.frame, joinRef, ref);
    const { answers, next } = this.answersFrom(i + 1, sent.t);
    this.cursor = next;
    return answers;
  }

  private mapRefs(recorded: Frame, joinRef: string | null, ref: string | null): void {
    if (recorded[0] != null && joinRef != null) this.refs.set(recorded[0], joinRef);
    if (recorded[1] != null && ref != null) this.refs.set(recorded[1], ref);
  }

  /** The recorded server frames from index `from` up to the next recorded client frame. */
  private answersFrom(from: number, t0: number): { answers: Answer[]; next: number } {
    const out: Answer[] = [];
    let last = t0;
    let k = from;
    for (; k < this.frames.length; k++) {
      const f = this.frames[k];
      if (f.dir === 'sent' && !isHeartbeat(f)) break;
      if (isHeartbeat(f)) continue;
      const [jr, ref, topic, event, payload] = f.frame;
      const map = (r: string | null) => (r == null ? r : (this.refs.get(r) ?? r));
      const delay = Math.min(this.maxDelay, Math.max(0, (f.t - last) * this.timeScale));
      last = f.t;
      out.push({ frame: [map(jr), map(ref), topic, event, payload], delay });
    }
    return { answers: out, next: k };
  }
}

/** The user steps of a recording: each recorded client `event` push, in order. */
export function userEvents(frames: RecordedFrame[]): { topic: string; payload: Record<string, unknown> }[] {
  return frames
    .filter((f) => f.dir === 'sent' && f.frame[3] === 'event')
    .map((f) => ({ topic: f.frame[2], payload: f.frame[4] as Record<string, unknown> }));
}
