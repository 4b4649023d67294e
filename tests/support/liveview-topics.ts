/**
 * The recorded LiveView transcripts (../shared/fixtures/liveview), as the frames each topic
 * received, and what a client feeds its rendered tree from each frame.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '../../../shared/fixtures/liveview');

export type Frame = [string | null, string | null, string, string, Record<string, unknown>];
export interface Topic {
  fixture: string;
  ws: number;
  topic: string;
  frames: Frame[];
}

/** Received frames, per websocket and topic, from both fixture formats. */
export function loadTopics(): Topic[] {
  const files: string[] = [];
  for (const e of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (e.isDirectory()) for (const f of readdirSync(join(FIXTURES, e.name))) files.push(join(e.name, f));
    else if (e.name.endsWith('.json')) files.push(e.name);
  }
  const topics = new Map<string, Topic>();
  for (const file of files.sort()) {
    const data = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
    const recv: [number, Frame][] = data.websockets
      ? data.websockets.flatMap((w: { frames: { dir: string; payload: string }[] }, i: number) =>
          w.frames.filter((f) => f.dir === 'received').map((f) => [i, JSON.parse(f.payload)]),
        )
      : data.frames
          .filter((f: { dir: string }) => f.dir === 'recv')
          .map((f: { ws: number; data: Frame }) => [f.ws, f.data]);
    for (const [ws, frame] of recv) {
      if (!frame[2].startsWith('lv:')) continue;
      const key = `${file} ws${ws} ${frame[2]}`;
      if (!topics.has(key)) topics.set(key, { fixture: file, ws, topic: frame[2], frames: [] });
      topics.get(key)?.frames.push(frame);
    }
  }
  return [...topics.values()];
}

/** What the client feeds its Rendered: 'join' (reply with rendered) or 'diff', else null. */
export function step(frame: Frame): ['join' | 'diff', Record<string, unknown>] | null {
  const [, , , event, payload] = frame;
  if (event === 'diff') return ['diff', payload];
  if (event !== 'phx_reply' || payload.status !== 'ok') return null;
  const resp = payload.response as Record<string, unknown> | undefined;
  if (resp?.rendered) return ['join', resp.rendered as Record<string, unknown>];
  if (resp?.diff) return ['diff', resp.diff as Record<string, unknown>];
  return null;
}
