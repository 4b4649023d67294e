/**
 * At most one re-render per animation frame. The link hands the models a batch whenever
 * the page sends one (every 16 ms while an app is busy) and the models take it at once,
 * but drawing more often than the screen shows is wasted work on a machine the app under
 * test shares. Installed as Preact's `options.debounceRendering`: every re-render Preact
 * queues in between (signal changes, state setters) runs in one pass at the next frame.
 *
 * A hidden document gets no frames (a DevTools window in the background, a headless
 * browser), so a timer stands in: the DOM still catches up a few times a second, and is
 * current at the first frame after the panel is shown again.
 */
export interface FrameApi {
  requestAnimationFrame(cb: () => void): number;
  cancelAnimationFrame(handle: number): void;
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const globalApi = (): FrameApi => ({
  requestAnimationFrame: (cb) => requestAnimationFrame(cb),
  cancelAnimationFrame: (h) => cancelAnimationFrame(h),
  setTimeout: (cb, ms) => setTimeout(cb, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
});

/** A scheduler that runs queued callbacks together at the next frame (or after `fallbackMs`). */
export function perFrame(fallbackMs = 100, api: FrameApi = globalApi()): (cb: () => void) => void {
  let queue: (() => void)[] = [];
  let frame = 0;
  let timer: unknown;
  const run = (): void => {
    api.cancelAnimationFrame(frame);
    api.clearTimeout(timer);
    const q = queue;
    queue = [];
    for (const cb of q) cb();
  };
  return (cb) => {
    queue.push(cb);
    if (queue.length > 1) return;
    frame = api.requestAnimationFrame(run);
    timer = api.setTimeout(run, fallbackMs);
  };
}

/**
 * A pacer for redraws of a live stream: the first call after a quiet spell runs `fn` at
 * once (on the next tick), and while calls keep coming they are coalesced so that `fn` runs
 * at most once per `gapMs`. The `fn` of the latest call is the one run.
 */
export function paced(
  gapMs: number,
  api: Pick<FrameApi, 'setTimeout'> = globalApi(),
  now: () => number = () => Date.now(),
): (fn: () => void) => void {
  let last = Number.NEGATIVE_INFINITY;
  let pending: (() => void) | undefined;
  return (fn) => {
    const first = pending === undefined;
    pending = fn;
    if (!first) return;
    api.setTimeout(
      () => {
        const run = pending;
        pending = undefined;
        last = now();
        run?.();
      },
      Math.max(0, last + gapMs - now()),
    );
  };
}
