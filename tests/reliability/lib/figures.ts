/**
 * Reliability figures: counts the reliability tests record (env HINDSIGHT_RELIABILITY_OUT,
 * default reliability-results.json at the repository root, git-ignored) and the project's
 * global setup prints as a table at the end of the run. Unlike benchmarks, the tests that
 * record them also assert on them: record first, then assert, so a failing run still shows
 * the count that failed it.
 *
 * Figure names in use (each recorded by exactly one file; others may add theirs):
 *   spoofing.test.ts        spoofed_tried, spoofed_rejected, spoofed_counted, spoofed_reached_panel
 *   tab-isolation.test.ts   tab_checks, tab_leaks
 *   injection.test.ts       injection_strings, injection_renders, injections_executed,
 *                           unexpected_elements, hostile_loads
 *   decoder-fuzz.test.ts    decoder_inputs_tried, decoder_crashes, decoder_bad_counted, …
 *   csp.test.ts             csp_unsafe_directives, eval_sites_in_extension, permissions_unjustified
 *   load.test.ts            load_messages_sent, load_messages_delivered, load_messages_dropped_counted,
 *                           load_messages_lost_silently, load_page_longest_task_ms,
 *                           load_hindsight_longest_slice_ms, load_long_tasks_caused_by_hindsight,
 *                           load_page_budget_used_mb, load_panel_budget_used_mb, load_panel_heap_mb
 *   faults.test.ts          faults_survived, messages_lost, fault_sw_stops, fault_bg_terminations
 *   hostile-values.test.ts  hostile_values_tried, hostile_throws_into_app, prototype_pollution,
 *                           hostile_panel_failures, hostile_longest_report_ms
 */
import { type Figure, figuresPath, writeFigures } from '../../support/figures';

export type { Figure } from '../../support/figures';

export function reliabilityOutPath(): string {
  return figuresPath('HINDSIGHT_RELIABILITY_OUT', 'reliability-results.json');
}

/** A count that must be zero. */
export const mustBeZero = { max: 0 } as const;

/** Merge the figures recorded by `test` into the reliability results. Returns the path. */
export function recordReliability(
  test: string,
  figures: Figure[],
  env: Record<string, unknown> = {},
): string {
  return writeFigures(test, figures, { out: reliabilityOutPath(), env });
}

/** Table order: the headline figures of the issue first, then everything else by file. */
export const FIGURE_ORDER = [
  'faults_survived',
  'messages_lost',
  'load_messages_sent',
  'load_messages_lost_silently',
  'load_long_tasks_caused_by_hindsight',
  'hostile_values_tried',
  'hostile_throws_into_app',
  'prototype_pollution',
  'spoofed_tried',
  'spoofed_rejected',
  'tab_leaks',
  'injection_strings',
  'injections_executed',
  'unexpected_elements',
  'hostile_loads',
  'decoder_inputs_tried',
  'decoder_crashes',
  'decoder_bad_counted',
] as const;
