/** Small text formatters shared by the panel's components (pure, no DOM). */

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Wall-clock time of day with milliseconds, e.g. 14:03:07.123. */
export function clock(t: number): string {
  if (!Number.isFinite(t)) return '--:--:--.---';
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** A duration: sub-ms with one decimal, ms below 10 s, seconds above. */
export function ms(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '';
  const v = Math.max(0, n);
  if (v < 10) return `${v.toFixed(1)} ms`;
  if (v < 10_000) return `${Math.round(v)} ms`;
  return `${(v / 1000).toFixed(1)} s`;
}

/** Characters of serialized JSON, written like byte sizes (1 char ≈ 1 byte for ASCII). */
export function size(n: number): string {
  if (!Number.isFinite(n)) return '?';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Page text cut for places that are always on screen (flag lines, tooltips): a page can
 * name a key or a reason with 100,000 characters, and laying that out on every frame would
 * stall the panel. The inspector and state tree show the whole text where asked.
 */
export function clip(text: string, max = 300): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}… (${text.length.toLocaleString('en-US')} characters)`;
}
