/**
 * The benchmark figures: every `tests/bench/*.bench-run.ts` reports its named figures
 * through `recordFigures`, which merges them into one JSON file (env HINDSIGHT_BENCH_OUT,
 * default bench-results.json at the repository root), keyed by figure name, so each run
 * of a benchmark replaces its own figures and keeps everyone else's. The table of this
 * run's figures is printed at the end by the bench project's global setup (global-setup.ts).
 * The file format and the table are shared with the reliability figures (tests/support/figures.ts).
 *
 * A figure is a measurement, never a pass/fail: a target is only shown next to it.
 */
import {
  type Figure,
  type FigureResults,
  figuresPath,
  readFigures,
  writeFigures,
} from '../../support/figures';

export {
  type Figure,
  type FigureResults as BenchResults,
  formatTable,
  REPO_ROOT,
  type StoredFigure,
  type Target,
  verdict,
} from '../../support/figures';

export function benchOutPath(): string {
  return figuresPath('HINDSIGHT_BENCH_OUT', 'bench-results.json');
}

export function readResults(path = benchOutPath()): FigureResults {
  return readFigures(path);
}

/** Merge `figures` measured by `bench` into the results file (`out`, default benchOutPath()). Returns the path. */
export function recordFigures(
  bench: string,
  figures: Figure[],
  extraEnv: Record<string, unknown> = {},
  out = benchOutPath(),
): string {
  return writeFigures(bench, figures, { out, env: extraEnv });
}
