/**
 * The hook as apps ship it: the core stays under its size budget, and a production build of
 * an app that uses it contains none of it (the `production` export condition swaps in the
 * no-op), while the app itself still works.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { expect, test } from 'vitest';
// @ts-expect-error — a plain .mjs helper shared with the benchmark script
import { hookSize } from '../../scripts/lib/hook-size.mjs';

const CORE_BUDGET_GZIP = 8 * 1024;

test('the runtime hook core is under 8 KB minified and gzipped', async () => {
  const { gzipBytes } = (await hookSize('../../runtime-hook/hook.ts')) as { gzipBytes: number };
  expect(gzipBytes).toBeGreaterThan(1000);
  expect(gzipBytes).toBeLessThan(CORE_BUDGET_GZIP);
}, 60_000);

async function bundleExample(mode: 'production' | 'development'): Promise<string> {
  const out = await build({
    root: fileURLToPath(new URL('../../example', import.meta.url)),
    mode,
    logLevel: 'silent',
    configFile: false,
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    resolve: { conditions: [mode, 'module', 'browser', 'default'] },
    build: { write: false, minify: mode === 'production' },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  return outputs
    .flatMap((o) => o.output)
    .filter((o) => o.type === 'chunk')
    .map((o) => o.code)
    .join('\n');
}

test('a production build of the example compiles the hook out; a development build keeps it', async () => {
  const prod = await bundleExample('production');
  const dev = await bundleExample('development');
  // The page-side protocol tag is in the hook and nowhere else.
  expect(dev).toContain('hindsight-page');
  expect(prod).not.toContain('hindsight-page');
  expect(prod).not.toContain('__HINDSIGHT_HOOK__');
  // Nor the capture engine, the write tracker or the serializer (the stores' adapters use them).
  expect(dev).toContain('a written object moved');
  expect(prod).not.toContain('a written object moved');
  expect(prod).not.toContain('maxTotalSize');
  // The stores still exist in production: the app's own logic is untouched.
  expect(prod).toContain('markSaved');
}, 120_000);

/** A one-line app that only does what the README's LiveView section says. */
async function bundleLiveViewLine(mode: 'production' | 'development'): Promise<string> {
  const out = await build({
    mode,
    logLevel: 'silent',
    configFile: false,
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    resolve: { conditions: [mode, 'module', 'browser', 'default'] },
    build: {
      write: false,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('./fixtures/liveview-one-line.ts', import.meta.url)),
        formats: ['es'],
        fileName: () => 'app.js',
      },
    },
  });
  const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
  return outputs
    .flatMap((o) => o.output)
    .filter((o) => o.type === 'chunk')
    .map((o) => o.code)
    .join('\n');
}

test("LiveView's one line: `import 'hindsight-hook/liveview'` watches window.liveSocket; production drops it", async () => {
  const dev = await bundleLiveViewLine('development');
  expect(dev).toContain('liveSocket');
  expect(dev).toContain('hindsight-page');
  const prod = await bundleLiveViewLine('production');
  expect(prod).not.toContain('liveSocket');
  expect(prod).not.toContain('hindsight-page');
}, 120_000);
