#!/usr/bin/env node
// `npm run demo`: build the extension and the example app, serve the app on 127.0.0.1, and
// — where a display exists — start Chromium with the extension loaded and DevTools open on
// the Hindsight panel. Without a display (or with --no-browser) it prints the URL and how to
// load the extension by hand. Ctrl-C stops it.
//
// Env: HINDSIGHT_DEMO_PORT (default 5178), CHROMIUM (default /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const abs = (p) => `${root}${p}`;
const port = Number(process.env.HINDSIGHT_DEMO_PORT ?? 5178);
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

execFileSync(process.execPath, [abs('scripts/build.mjs')], { stdio: 'inherit', cwd: root });
execFileSync(process.execPath, [abs('scripts/build-example.mjs')], { stdio: 'inherit', cwd: root });

// The same server and browser launcher the end-to-end tests use (TypeScript, loaded through Vite).
const load = async (p) => (await runnerImport(abs(p))).module;
const { startStaticServer } = await load('tests/e2e/harness/server.ts');
let server;
try {
  server = await startStaticServer(abs('dist/example'), port);
} catch {
  server = await startStaticServer(abs('dist/example'));
  console.log(`port ${port} is busy; using ${server.port}`);
}
const url = `${server.url}/`;

const manual = () => {
  console.log(`
Hindsight demo app: ${url}

Load the extension, then open DevTools on that page and pick the "Hindsight" panel:
  Chrome / Chromium: chrome://extensions → Developer mode → Load unpacked → ${abs('dist/chrome')}
  Firefox:           about:debugging#/runtime/this-firefox → Load Temporary Add-on → ${abs('dist/firefox/manifest.json')}
(Branded Chrome and Edge ignore --load-extension, so the demo only starts Chromium itself.)

Ctrl-C to stop.`);
};

const wantBrowser = !process.argv.includes('--no-browser');
if (wantBrowser && process.env.DISPLAY && existsSync(chromiumPath)) {
  const { launchChromium } = await load('tests/e2e/harness/chromium.ts');
  const h = await launchChromium({ devtools: true, headless: false, profileDir: abs('.profiles/demo') });
  const app = h.context.pages()[0] ?? (await h.context.newPage());
  await app.goto(url);
  try {
    await h.openRealDevtoolsPanel(app, 30_000);
    console.log(`Chromium is showing ${url} with DevTools open on the Hindsight panel.`);
  } catch (e) {
    console.log(`Chromium is showing ${url}; choose the Hindsight panel in DevTools (${e.message}).`);
  }
  console.log('Close the browser or press Ctrl-C to stop.');
  h.context.on('close', async () => {
    await server.close();
    process.exit(0);
  });
} else {
  if (wantBrowser && !process.env.DISPLAY)
    console.log('No display found (DISPLAY is unset), so no browser is started.');
  if (wantBrowser && !existsSync(chromiumPath))
    console.log(`No Chromium at ${chromiumPath} (apt-get install chromium).`);
  manual();
}

process.on('SIGINT', async () => {
  await server.close();
  process.exit(0);
});
