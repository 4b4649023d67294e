/**
 * hook_gzip_bytes: what the runtime hook costs an app to ship, bundled, minified and
 * gzipped (scripts/lib/hook-size.mjs, the same measurement as tests/unit/hook-build.test.ts).
 * The core (hook.ts) has the 8 KB budget; the whole public entry with every adapter is
 * reported beside it.
 */
import { test } from 'vitest';
// @ts-expect-error — a plain .mjs helper shared with the unit test and scripts
import { hookSize } from '../../scripts/lib/hook-size.mjs';
import { recordFigures } from './lib/figures';

type Size = { minBytes: number; gzipBytes: number };
const measure = hookSize as (entry?: string) => Promise<Size>;

test('hook_gzip_bytes', async () => {
  const core = await measure('../../runtime-hook/hook.ts');
  const full = await measure('../../runtime-hook/index.ts');
  recordFigures('hook-size', [
    {
      name: 'hook_gzip_bytes',
      value: core.gzipBytes,
      unit: 'B',
      target: { max: 8192 },
      note: `runtime hook core (hook.ts), minified ${core.minBytes} B, gzip -9`,
    },
    {
      name: 'hook_full_gzip_bytes',
      value: full.gzipBytes,
      unit: 'B',
      note: `public entry with every adapter (index.ts), minified ${full.minBytes} B`,
    },
  ]);
}, 120_000);
