/**
 * The panel's redraw pacing (lib/frame.ts): re-renders coalesced per animation frame (a timer
 * standing in when a hidden document gets no frames), and a busy stream announced to the UI
 * at most once per gap while the models take every batch at once.
 */
import { describe, expect, it } from 'vitest';
import { type FrameApi, paced, perFrame } from '../../extension/panel/lib/frame';
import { createPanelModel } from '../../extension/panel/models/panel';
import { Script, SESSION } from './panel-fixtures';

/** Frames and timers that run only when told. */
class FakeFrames implements FrameApi {
  t = 0;
  frames = new Map<number, () => void>();
  timers = new Map<number, { at: number; cb: () => void }>();
  private next = 1;
  requestAnimationFrame = (cb: () => void): number => {
    const id = this.next++;
    this.frames.set(id, cb);
    return id;
  };
  cancelAnimationFrame = (h: number): void => {
    this.frames.delete(h);
  };
  setTimeout = (cb: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, cb });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers.delete(h as number);
  };
  frame(): void {
    const fs = [...this.frames.values()];
    this.frames.clear();
    for (const f of fs) f();
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].cb();
    }
    this.t = end;
  }
}

describe('perFrame', () => {
  it('runs everything queued before the next frame together, once', () => {
    const f = new FakeFrames();
    const schedule = perFrame(100, f);
    const ran: string[] = [];
    schedule(() => ran.push('a'));
    schedule(() => ran.push('b'));
    expect(ran).toEqual([]);
    f.frame();
    expect(ran).toEqual(['a', 'b']);
    // The stand-in timer was cancelled: nothing runs twice.
    f.advance(200);
    expect(ran).toEqual(['a', 'b']);
  });

  it('without frames (a hidden document) the timer runs the queue', () => {
    const f = new FakeFrames();
    const schedule = perFrame(100, f);
    const ran: number[] = [];
    schedule(() => ran.push(1));
    f.advance(99);
    expect(ran).toEqual([]);
    f.advance(1);
    expect(ran).toEqual([1]);
    expect(f.frames.size).toBe(0);
  });
});

describe('paced', () => {
  it('the first call after a quiet spell runs at once; a busy stream runs at most once per gap, latest first', () => {
    const f = new FakeFrames();
    const pace = paced(250, f, () => f.t);
    const ran: number[] = [];
    pace(() => ran.push(1));
    f.advance(0);
    expect(ran).toEqual([1]);
    // Calls every 50 ms: coalesced, 250 ms apart, each time the newest one.
    for (let i = 2; i <= 11; i++) {
      f.advance(50);
      pace(() => ran.push(i));
    }
    f.advance(300);
    expect(ran).toEqual([1, 5, 10, 11]);
    // Quiet again: at once.
    f.advance(1000);
    pace(() => ran.push(12));
    f.advance(0);
    expect(ran.at(-1)).toBe(12);
  });

  it('with a pacer the models take each batch at once and the version moves when it says', () => {
    let announce: (() => void) | undefined;
    const model = createPanelModel({
      refresh: (fn) => {
        announce = fn;
      },
    });
    model.handlers.session(SESSION);
    const s = new Script();
    s.process('p1', 'counter');
    s.message('p1', 'inc', { by: 1 }, [{ n: 1 }]);
    const store = model.live.value;
    const v0 = store.version.value;
    model.handlers.events(s.take());
    expect(store.messages.byMid.size).toBe(1);
    expect(store.version.value).toBe(v0);
    announce?.();
    expect(store.version.value).toBe(v0 + 1);
  });
});
