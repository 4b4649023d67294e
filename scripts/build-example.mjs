// Builds the example app to dist/example (or dist/example-prod with --production, where
// the `production` export condition swaps the hook for its no-op build).
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const prod = process.argv.includes('--production');
const root = fileURLToPath(new URL('../example', import.meta.url));
const outDir = fileURLToPath(new URL(prod ? '../dist/example-prod' : '../dist/example', import.meta.url));

await build({
  root,
  mode: prod ? 'production' : 'development',
  logLevel: 'warn',
  define: { 'process.env.NODE_ENV': JSON.stringify(prod ? 'production' : 'development') },
  resolve: { conditions: [prod ? 'production' : 'development', 'module', 'browser', 'default'] },
  build: { outDir, emptyOutDir: true, minify: prod, sourcemap: !prod, target: 'es2022' },
});
console.log(`example built: ${outDir}`);
