/**
 * Named figures merged into a JSON file, and the plain-text table printed at the end of a
 * run. Shared by the benchmarks (tests/bench/lib/figures.ts: measurements, never pass/fail)
 * and the reliability tests (tests/reliability/lib/figures.ts: counts whose tests do assert).
 *
 * Each file of figures is keyed by figure name, so a run of one test file replaces its own
 * figures and keeps everyone else's; a global setup prints the figures written since the
 * run started (`printFigures`).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where a figure should land (shown in the table as ok / MISSED). */
export interface Target {
  /** At most this. */
  max?: number;
  /** At least this. */
  min?: number;
}

export interface Figure {
  /** snake_case, unique within its file (the JSON key). */
  name: string;
  value: number;
  /** `%`, `us`, `ms`, `B`, `x`, `count`, … */
  unit: string;
  target?: Target;
  /** What it measures or how, in a few words. */
  note?: string;
  /** Raw numbers behind the figure, kept in the JSON only. */
  detail?: Record<string, unknown>;
}

export interface StoredFigure extends Figure {
  /** The benchmark or test file that recorded it (the key is `bench` for history's sake). */
  bench: string;
  /** ISO time it was recorded. */
  at: string;
}

export interface FigureResults {
  /** Format of this file. */
  v: 1;
  updatedAt: string;
  environment: Record<string, unknown>;
  figures: Record<string, StoredFigure>;
}

/** The path named by env `envVar`, else `fallback`; relative paths are from the repository root. */
export function figuresPath(envVar: string, fallback: string): string {
  const p = process.env[envVar] || fallback;
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

export function readFigures(path: string): FigureResults {
  const empty: FigureResults = { v: 1, updatedAt: '', environment: environment(), figures: {} };
  if (!existsSync(path)) return empty;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<FigureResults>;
    if (data && typeof data.figures === 'object' && data.figures) return { ...empty, ...data, v: 1 };
  } catch {
    // A broken file is replaced.
  }
  return empty;
}

export interface WriteOptions {
  /** The JSON file to merge into (absolute). */
  out: string;
  /** Extra facts about the environment, merged into the file's `environment`. */
  env?: Record<string, unknown>;
}

/**
 * Merge `figures` recorded by `source` into `opts.out` (files run one at a time, so
 * read-modify-write is safe; the write itself is atomic). Returns the path.
 */
export function writeFigures(source: string, figures: Figure[], opts: WriteOptions): string {
  const path = opts.out;
  const results = readFigures(path);
  const at = new Date().toISOString();
  for (const f of figures) {
    if (!/^[a-z][a-z0-9_]*$/.test(f.name)) throw new Error(`figure name ${f.name} is not snake_case`);
    results.figures[f.name] = { ...f, value: round(f.value), bench: source, at };
  }
  results.updatedAt = at;
  results.environment = { ...results.environment, ...environment(), ...opts.env };
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

/** Four significant digits are plenty for a measurement and keep the JSON readable; counts stay whole. */
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

/**
 * The table of the figures in `path` written since `since` (an ISO time), sorted by the
 * file that wrote them (then by `order`, a list of figure names, where given), titled.
 */
export function freshFiguresReport(
  path: string,
  since: string,
  title: string,
  order: readonly string[] = [],
): { count: number; text: string } {
  const results = readFigures(path);
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i < 0 ? order.length : i;
  };
  const fresh = Object.values(results.figures)
    .filter((f) => f.at >= since)
    .sort(
      (a, b) => rank(a.name) - rank(b.name) || a.bench.localeCompare(b.bench) || a.at.localeCompare(b.at),
    );
  const text = fresh.length
    ? `\n${title} (${fresh.length}, written to ${path}):\n\n${formatTable(fresh)}\n`
    : `\n${title}: none recorded in this run (${path} unchanged).\n`;
  return { count: fresh.length, text };
}
