/**
 * The demo app with the built extension in Debian's Chromium: the stream reaches the
 * panel, a click on a past step moves the app's DOM back, replay reproduces the recorded
 * state, and stopping the MV3 service worker mid-stream loses nothing.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChromiumHarness, launchChromium } from './harness/chromium';
import { appTaskTitles, pollUntil, processPid } from './harness/panel';
import { type StaticServer, startStaticServer } from './harness/server';

const EXAMPLE = fileURLToPath(new URL('../../dist/example', import.meta.url));

/** The bits of the panel's model (globalThis.__HINDSIGHT_PANEL__) these tests read. */
interface PanelProbe {
  live: { value: { raw: { seq: number; type: string }[]; history: { last(pid: string): { step: number } } } };
}

let h: ChromiumHarness;
let server: StaticServer;
let app: Page;
let panel: Page;

async function addTask(title: string): Promise<void> {
  await app.fill('#task-input', title);
  await app.click('#add');
}

beforeAll(async () => {
  server = await startStaticServer(EXAMPLE);
  h = await launchChromium();
  app = await h.context.newPage();
  await app.goto(`${server.url}/`);
  panel = await h.openPanelTab(await h.tabIdOf(app));
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

describe('demo app in Chromium', () => {
  test('the stream appears in the panel: processes, messages and steps', async () => {
    await addTask('Ship it');
    await panel.locator('[data-testid=process-row][data-name=board]').waitFor();
    await panel.locator('[data-testid=process-row][data-name=toasts]').waitFor();
    await panel.locator('[data-testid=timeline-row][data-kind=message][data-name=addTask]').first().waitFor();
    await panel.locator('[data-testid=timeline-row][data-kind=step][data-name=addTask]').first().waitFor();
    await expect.poll(() => panel.locator('[data-testid=link-status]').textContent()).toContain('connected');
  });

  test('clicking a past step changes the app DOM back; back to present restores it', async () => {
    await addTask('Second');
    await expect
      .poll(() => appTaskTitles(app))
      .toEqual(['Write the release notes', 'Review the pull request', 'Ship it', 'Second']);
    const pid = await processPid(panel, 'board');
    await panel
      .locator(`[data-testid=timeline-row][data-kind=step][data-pid="${pid}"][data-step="0"]`)
      .click();
    await expect
      .poll(() => appTaskTitles(app))
      .toEqual(['Write the release notes', 'Review the pull request']);
    await panel.locator('[data-testid=past-bar]').waitFor();
    await panel.locator('[data-testid=present]').click();
    await expect.poll(() => appTaskTitles(app)).toHaveLength(4);
    await panel.locator('[data-testid=past-bar]').waitFor({ state: 'detached' });
  });

  test('replay from step A to B reproduces the recorded state in the app', async () => {
    const pid = await processPid(panel, 'board');
    const n0 = (await appTaskTitles(app)).length;
    const newest = () =>
      panel.evaluate(
        (p) =>
          (
            globalThis as unknown as { __HINDSIGHT_PANEL__: PanelProbe }
          ).__HINDSIGHT_PANEL__.live.value.history.last(p).step as number,
        pid,
      );
    const before = await newest();
    await app.click('li.task[data-id="1"] input[type=checkbox]');
    await addTask('Replayed');
    await expect.poll(() => appTaskTitles(app)).toHaveLength(n0 + 1);
    const recorded = await app.locator('#tasks').textContent();
    // A toggle and an add: two new steps, once they have reached the panel.
    await expect.poll(newest).toBe(before + 2);
    const lastStep = before + 2;
    // Put the app somewhere else first, so the replay has to do the work.
    await panel
      .locator(`[data-testid=timeline-row][data-kind=step][data-pid="${pid}"][data-step="0"]`)
      .click();
    await expect.poll(() => appTaskTitles(app)).toHaveLength(2);
    await panel.locator(`[data-testid=process-row][data-pid="${pid}"]`).click();
    await panel.fill('[data-testid=replay-from]', '1');
    await panel.fill('[data-testid=replay-to]', String(lastStep));
    await panel.selectOption('[data-testid=replay-speed]', '2');
    await panel.click('[data-testid=replay-start]');
    await expect
      .poll(() => panel.getAttribute('[data-testid=replay-progress]', 'data-state'), { timeout: 30_000 })
      .toBe('done');
    await expect.poll(() => app.locator('#tasks').textContent()).toBe(recorded);
  });

  test('slow saves back up the mailbox and the big list trips the large-state flag', async () => {
    // Three slow saves at once: two wait while the first runs.
    await app.evaluate(() => {
      for (const b of document.querySelectorAll<HTMLButtonElement>('#tasks li .save')) b.click();
    });
    await pollUntil(
      async () => (await panel.locator('[data-testid=mailbox-item]').count()) >= 2,
      10_000,
      'queued saves in the mailbox view',
    );
    await panel.locator('[data-testid=flag][data-flag=backlog]').first().waitFor();
    await app.click('#load-big');
    await expect.poll(() => app.locator('#big-count').textContent(), { timeout: 20_000 }).toBe('5000');
    await panel.locator('[data-testid=flag][data-flag=large-state]').first().waitFor();
    await app.click('#clear-big');
  });

  test('malformed and oversized messages from the page are dropped with a visible count; the app keeps working', async () => {
    await app.evaluate(() => {
      const session = (globalThis as unknown as { __HINDSIGHT_HOOK__: { session: string } })
        .__HINDSIGHT_HOOK__.session;
      const base = { source: 'hindsight-page', v: 1, session, kind: 'batch', first: 1, count: 1 };
      window.postMessage({ ...base, body: 42 }, '*');
      window.postMessage({ ...base, body: 'x'.repeat(17 * 1024 * 1024) }, '*');
      window.postMessage({ ...base, v: 99, body: '[]' }, '*');
    });
    const drops = panel.locator('[data-testid=drops]');
    await drops.waitFor({ timeout: 20_000 });
    await pollUntil(
      async () => /\b3\b/.test((await drops.textContent()) ?? ''),
      20_000,
      'three drops counted',
    );
    const n = (await appTaskTitles(app)).length;
    await addTask('Still works');
    await expect.poll(() => appTaskTitles(app)).toHaveLength(n + 1);
  });

  test('a panel closed and opened again receives the whole backlog', async () => {
    await panel.close();
    for (const t of ['While closed 1', 'While closed 2', 'While closed 3']) await addTask(t);
    const last = await app.evaluate(
      () => (globalThis as unknown as { __HINDSIGHT_HOOK__: { lastSeq: number } }).__HINDSIGHT_HOOK__.lastSeq,
    );
    panel = await h.openPanelTab(await h.tabIdOf(app));
    await panel.locator('[data-testid=process-row][data-name=board]').waitFor();
    const held = () =>
      panel.evaluate(() => {
        const raw = (globalThis as unknown as { __HINDSIGHT_PANEL__: PanelProbe }).__HINDSIGHT_PANEL__.live
          .value.raw;
        return {
          count: raw.length,
          inOrder: raw.every((e, i) => e.seq === i + 1),
          last: raw.at(-1)?.seq ?? 0,
        };
      });
    await pollUntil(async () => (await held()).last >= last, 30_000, 'backlog in the reopened panel');
    const got = await held();
    expect(got.inOrder).toBe(true);
    expect(got.count).toBe(got.last);
    await panel.locator('[data-testid=search]').fill('While closed 3');
    await panel.locator('[data-testid=timeline-row][data-name=addTask]').first().waitFor();
    await panel.locator('[data-testid=search]').fill('');
  });

  test('stopping the service worker mid-stream loses, duplicates and reorders nothing', async () => {
    const before = await app.evaluate(
      () => (globalThis as { __HINDSIGHT_HOOK__?: { lastSeq: number } }).__HINDSIGHT_HOOK__!.lastSeq,
    );
    // 3,000 toggles over ~3 s, while the worker is stopped three times.
    const streaming = app.evaluate(async () => {
      const w = globalThis as unknown as {
        __demo: { board: { dispatch(n: string, p: unknown): Promise<unknown> } };
      };
      for (let i = 0; i < 300; i++) {
        for (let j = 0; j < 10; j++) void w.__demo.board.dispatch('toggleTask', 2);
        await new Promise((r) => setTimeout(r, 10));
      }
    });
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await h.stopServiceWorker();
    }
    await streaming;
    const last = await app.evaluate(
      () => (globalThis as { __HINDSIGHT_HOOK__?: { lastSeq: number } }).__HINDSIGHT_HOOK__!.lastSeq,
    );
    expect(last - before).toBeGreaterThanOrEqual(3000 * 4);
    // What the panel holds, read from its model: every event once, in seq order, no holes.
    const held = () =>
      panel.evaluate(() => {
        const m = (globalThis as unknown as { __HINDSIGHT_PANEL__: PanelProbe }).__HINDSIGHT_PANEL__;
        const raw: { seq: number; type: string }[] = m.live.value.raw;
        let inOrder = true;
        for (let i = 0; i < raw.length; i++) if (raw[i].seq !== i + 1) inOrder = false;
        return {
          count: raw.length,
          inOrder,
          last: raw.at(-1)?.seq ?? 0,
          toggles: raw.filter((e) => e.type === 'queued').length,
        };
      });
    await pollUntil(async () => (await held()).last === last, 60_000, `panel to hold seq ${last}`);
    const got = await held();
    expect(got).toMatchObject({ count: last, inOrder: true, last });
    expect(got.toggles).toBeGreaterThanOrEqual(3000);
  });
});
