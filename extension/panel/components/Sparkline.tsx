/** A tiny line chart of a bounded series (mailbox depth over time). SVG, no text from the page. */
export function Sparkline({
  t,
  v,
  width = 180,
  height = 28,
}: {
  t: number[];
  v: number[];
  width?: number;
  height?: number;
}) {
  if (t.length < 2) return <svg class="spark" width={width} height={height} aria-hidden="true" />;
  const t0 = t[0];
  const span = Math.max(1, t[t.length - 1] - t0);
  const max = Math.max(1, ...v);
  // A step line: depth holds until the next event changes it.
  let d = '';
  for (let i = 0; i < t.length; i++) {
    const x = ((t[i] - t0) / span) * (width - 2) + 1;
    const y = height - 1 - (v[i] / max) * (height - 2);
    d += i === 0 ? `M${x.toFixed(1)},${y.toFixed(1)}` : `H${x.toFixed(1)}V${y.toFixed(1)}`;
  }
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img">
      <title>{`mailbox depth, max ${max}`}</title>
      <path d={d} fill="none" stroke="currentColor" stroke-width="1.2" />
    </svg>
  );
}
