/**
 * Global setup of the `bench` vitest project: notes when the run started, and at the end
 * prints the table of every figure this run wrote (the benchmarks themselves only record).
 */
import { benchOutPath, formatTable, readResults } from './figures';

let startedAt = '';

export function setup(): void {
  startedAt = new Date().toISOString();
}

export function teardown(): void {
  const path = benchOutPath();
  const results = readResults(path);
  const fresh = Object.values(results.figures)
    .filter((f) => f.at >= startedAt)
    .sort((a, b) => a.bench.localeCompare(b.bench) || a.at.localeCompare(b.at));
  const out = fresh.length
    ? `\nHindsight benchmark figures (${fresh.length}, written to ${path}):\n\n${formatTable(fresh)}\n`
    : `\nHindsight benchmarks: no figures recorded in this run (${path} unchanged).\n`;
  process.stdout.write(out);
}
