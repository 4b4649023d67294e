/**
 * Global setup of the `bench` vitest project: notes when the run started, and at the end
 * prints the table of every figure this run wrote (the benchmarks themselves only record).
 */
import { freshFiguresReport } from '../../support/figures';
import { benchOutPath } from './figures';

let startedAt = '';

export function setup(): void {
  startedAt = new Date().toISOString();
}

export function teardown(): void {
  process.stdout.write(freshFiguresReport(benchOutPath(), startedAt, 'Hindsight benchmark figures').text);
}
