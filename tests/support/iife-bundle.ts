/**
 * A test app's entry bundled with Vite's JS API to one classic script, in memory, in
 * development mode (as an app under development runs), once per run and key. Shared by
 * the end-to-end, reliability and benchmark pages.
 */
import { build } from 'vite';

const built = new Map<string, Promise<string>>();

export function iifeBundle(
  entry: string,
  opts: { name: string; alias?: Record<string, string> },
): Promise<string> {
  const key = `${entry} ${JSON.stringify(opts.alias ?? {})}`;
  let p = built.get(key);
  if (!p) {
    p = (async () => {
      const out = await build({
        configFile: false,
        logLevel: 'silent',
        mode: 'development',
        define: { 'process.env.NODE_ENV': JSON.stringify('development') },
        resolve: { alias: opts.alias ?? {} },
        build: {
          write: false,
          minify: false,
          sourcemap: false,
          lib: { entry, formats: ['iife'], name: opts.name, fileName: () => 'app.js' },
        },
      });
      const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
      const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
      if (!chunk?.code) throw new Error(`no bundle for ${entry}`);
      return chunk.code;
    })();
    built.set(key, p);
  }
  return p;
}
