/** Small helpers shared by the end-to-end tests that drive the demo app and the panel. */
import type { Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `check` until it returns true; fail with `what` after `timeoutMs`. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Titles of the demo's task list, as the app's DOM shows them. */
export function appTaskTitles(app: Page): Promise<string[]> {
  return app.locator('#tasks li .title').allTextContents();
}

/** The pid the panel shows for the process named `name`. */
export async function processPid(panel: Page, name: string): Promise<string> {
  const row = panel.locator(`[data-testid=process-row][data-name="${name}"]`);
  await row.waitFor();
  const pid = await row.getAttribute('data-pid');
  if (!pid) throw new Error(`process row ${name} has no data-pid`);
  return pid;
}
