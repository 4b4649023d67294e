#!/usr/bin/env node
// `npm run screenshot`: docs/panel.png (and docs/panel-dark.png) from the real built panel,
// connected through the real extension to the demo app in headless Chromium, after a short
// session: tasks added, several slow saves queued, the big list loaded, a step selected.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const abs = (p) => `${root}${p}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (!process.argv.includes('--no-build')) {
  execFileSync(process.execPath, [abs('scripts/build.mjs')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [abs('scripts/build-example.mjs')], { stdio: 'inherit', cwd: root });
}
const load = async (p) => (await runnerImport(abs(p))).module;
const { startStaticServer } = await load('tests/e2e/harness/server.ts');
const { launchChromium } = await load('tests/e2e/harness/chromium.ts');

const server = await startStaticServer(abs('dist/example'));
const h = await launchChromium();
try {
  const app = await h.context.newPage();
  await app.goto(`${server.url}/`);
  const tabId = await h.tabIdOf(app);
  for (const title of ['Draft the changelog', 'Fix the flaky test', 'Ship 1.0']) {
    await app.fill('#task-input', title);
    await app.click('#add');
  }
  await app.click('li.task[data-id="2"] input[type=checkbox]');
  await app.click('#save-all');
  await app.click('#load-big');
  mkdirSync(abs('docs'), { recursive: true });
  for (const theme of ['light', 'dark']) {
    const panel = await h.context.newPage();
    await panel.goto(`chrome-extension://${h.extensionId}/panel/panel.html?tabId=${tabId}&theme=${theme}`);
    await panel.setViewportSize({ width: 1280, height: 760 });
    await panel.locator('[data-testid=timeline-row][data-kind=step][data-name=addTask]').nth(1).waitFor();
    // Wait for the slow saves to be in flight, so the mailbox has something in it.
    await sleep(theme === 'light' ? 300 : 2500);
    await panel.locator('[data-testid=timeline-row][data-kind=step][data-name=addTask]').nth(1).click();
    await sleep(400);
    const file = abs(theme === 'light' ? 'docs/panel.png' : 'docs/panel-dark.png');
    await panel.screenshot({ path: file });
    console.log(`wrote ${file}`);
    await panel.close();
  }
} finally {
  await h.close();
  await server.close();
}
