/**
 * The benchmark figures: every `tests/bench/*.bench-run.ts` reports its named figures
 * through `recordFigures`, which merges them into one JSON file (env HINDSIGHT_BENCH_OUT,
 * default bench-results.json at the repository root), keyed by figure name, so each run
 * of a benchmark replaces its own figures and keeps everyone else's. The table of this
 * run's figures is printed at the end by the bench project's global setup (global-setup.ts).
 *
 * A figure is a measurement, never a pass/fail: a target is only shown next to it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where a figure should land (shown in the table; never checked). */
export interface Target {
  /** At most this. */
  max?: number;
  /** At least this. */
  min?: number;
}

export interface Figure {
  /** snake_case, unique across all benchmarks (the JSON key). */
  name: string;
  value: number;
  /** `%`, `us`, `ms`, `B`, `x`, … */
  unit: string;
  target?: Target;
  /** What it measures or how, in a few words. */
  note?: string;
  /** Raw numbers behind the figure, kept in the JSON only. */
  detail?: Record<string, unknown>;
}

export interface StoredFigure extends Figure {
  /** The benchmark (file) that measured it. */
  bench: string;
  /** ISO time it was measured. */
  at: string;
}

export interface BenchResults {
  /** Format of this file. */
  v: 1;
  updatedAt: string;
  environment: Record<string, unknown>;
  figures: Record<string, StoredFigure>;
}

export function benchOutPath(): string {
  const p = process.env.HINDSIGHT_BENCH_OUT || 'bench-results.json';
  return isAbsolute(p) ? p : resolve(REPO_ROOT, p);
}

function environment(): Record<string, unknown> {
  const c = cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: c.length,
    cpuModel: c[0]?.model,
  };
}

export function readResults(path = benchOutPath()): BenchResults {
  const empty: BenchResults = { v: 1, updatedAt: '', environment: environment(), figures: {} };
  if (!existsSync(path)) return empty;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchResults>;
    if (data && typeof data.figures === 'object' && data.figures) return { ...empty, ...data, v: 1 };
  } catch {
    // A broken file is replaced.
  }
  return empty;
}

/**
 * Merge `figures` measured by `bench` into the results file (bench files run one at a
 * time, so read-modify-write is safe; the write itself is atomic). Returns the path.
 */
export function recordFigures(
  bench: string,
  figures: Figure[],
  extraEnv: Record<string, unknown> = {},
): string {
  const path = benchOutPath();
  const results = readResults(path);
  const at = new Date().toISOString();
  for (const f of figures) {
    if (!/^[a-z][a-z0-9_]*$/.test(f.name)) throw new Error(`figure name ${f.name} is not snake_case`);
    results.figures[f.name] = { ...f, value: round(f.value), bench, at };
  }
  results.updatedAt = at;
  results.environment = { ...results.environment, ...environment(), ...extraEnv };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

/** Four significant digits are plenty for a benchmark and keep the JSON readable. */
function round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(Math.max(4, Math.ceil(Math.log10(Math.abs(x))))));
}

function targetText(t?: Target): string {
  if (!t) return '';
  const parts: string[] = [];
  if (t.min !== undefined) parts.push(`>= ${t.min}`);
  if (t.max !== undefined) parts.push(`<= ${t.max}`);
  return parts.join(', ');
}

/** `ok` / `MISSED` against the target, empty without one. */
export function verdict(f: Figure): string {
  const t = f.target;
  if (!t || !Number.isFinite(f.value)) return '';
  if (t.max !== undefined && f.value > t.max) return 'MISSED';
  if (t.min !== undefined && f.value < t.min) return 'MISSED';
  return 'ok';
}

/** A plain-text table of `figures` (in the given order). */
export function formatTable(figures: (Figure & { bench?: string })[]): string {
  const rows = [
    ['figure', 'value', 'unit', 'target', '', 'note'],
    ...figures.map((f) => [f.name, String(f.value), f.unit, targetText(f.target), verdict(f), f.note ?? '']),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}
