/**
 * Global setup of the `reliability` vitest project: notes when the run started and, at the
 * end, prints the table of the reliability figures this run recorded (lib/figures.ts).
 */
import { freshFiguresReport } from '../../support/figures';
import { FIGURE_ORDER, reliabilityOutPath } from './figures';

let startedAt = '';

export function setup(): void {
  startedAt = new Date().toISOString();
}

export function teardown(): void {
  const report = freshFiguresReport(
    reliabilityOutPath(),
    startedAt,
    'Hindsight reliability figures',
    FIGURE_ORDER,
  );
  process.stdout.write(report.text);
}
