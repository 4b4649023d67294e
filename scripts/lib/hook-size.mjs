// Size of the runtime hook core as an app would ship it: the public entry bundled,
// minified and gzipped (what the 8 KB budget is about).

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

export async function hookSize(entry = '../../runtime-hook/index.ts') {
  const input = fileURLToPath(new URL(entry, import.meta.url));
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: input, formats: ['iife'], name: 'Hindsight', fileName: 'hook' },
      rollupOptions: { output: { codeSplitting: false } },
    },
  });
  const chunk = (Array.isArray(out) ? out[0] : out).output.find((o) => o.type === 'chunk');
  const code = Buffer.from(chunk.code);
  return { minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, code: chunk.code };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { minBytes, gzipBytes } = await hookSize();
  console.log(`runtime hook core: ${minBytes} B minified, ${gzipBytes} B gzipped`);
}
