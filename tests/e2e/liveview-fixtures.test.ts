/**
 * The LiveView adapter end to end: the REAL phoenix_live_view clients (1.0.19, 1.2.12,
 * 0.20.1) in Chromium with the built extension, against a test server on 127.0.0.1 that
 * answers them with real recorded Phoenix traffic (shared/fixtures/liveview). Each
 * recorded user event is re-done in the page (click, form input, submit, hook button);
 * after each one, the HTML Hindsight rebuilt from the newest step it shows in the panel
 * must equal what the client put in the LiveView's container.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChromiumHarness, launchChromium } from './harness/chromium';
import { appBundle, type ClientVersion } from './harness/liveview-page';
import { drive, expectHtmlMatches, snapshot } from './harness/liveview-panel';
import { type LiveViewTestServer, startLiveViewServer } from './harness/liveview-server';
import { connection, loadTranscript, type Transcript, userEvents } from './harness/liveview-transcript';
import { pollUntil } from './harness/panel';

let h: ChromiumHarness;
let server: LiveViewTestServer;

beforeAll(async () => {
  server = await startLiveViewServer(0.2);
  h = await launchChromium();
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

interface Opened {
  app: Page;
  panel: Page;
  t: Transcript;
  close(): Promise<void>;
}

async function open(client: ClientVersion, fixture: string): Promise<Opened> {
  const t = loadTranscript(fixture);
  server.use(t, await appBundle(client));
  const app = await h.context.newPage();
  const errors: string[] = [];
  app.on('pageerror', (e) => errors.push(String(e)));
  await app.goto(`${server.url}${t.path}`);
  const panel = await h.openPanelTab(await h.tabIdOf(app));
  await panel.locator('[data-testid=process-row]').first().waitFor();
  return {
    app,
    panel,
    t,
    async close() {
      expect(errors, 'page errors').toEqual([]);
      await panel.close();
      await app.close();
    },
  };
}

/** Re-do each recorded user event in the page; check the HTML after each one. */
async function driveAll(o: Opened): Promise<void> {
  const answered = async () =>
    (await snapshot(o.panel)).msgs.filter((m) => m.kind === 'event' && m.doneAt !== undefined).length;
  const base = await answered();
  let n = 0;
  for (const ev of userEvents(connection(o.t, 1))) {
    const before = server.player?.matched ?? 0;
    const did = await drive(o.app, ev.topic.slice(3), ev.payload);
    expect(did, `drive ${JSON.stringify(ev.payload)}`).not.toBeNull();
    await pollUntil(() => (server.player?.matched ?? 0) > before, 10_000, `client to send ${did}`);
    // Its reply reached the panel (else the HTML could still match the state before it).
    n++;
    await pollUntil(async () => (await answered()) >= base + n, 10_000, `the reply to ${did} in the panel`);
    await expectHtmlMatches(o.app, o.panel, did ?? '');
  }
}

const CASES: [ClientVersion, string, string[]][] = [
  ['1.0', 'phoenix-lv-1.0.17', ['index', 'counter', 'list', 'form', 'component', 'push', 'timer', 'nested']],
  // 1.1+ clients no longer read the `d` comprehensions of a 1.0 server (list, form).
  ['1.2', 'phoenix-lv-1.0.17', ['index', 'counter', 'component', 'push', 'timer', 'nested']],
  [
    '0.20',
    'phoenix-lv-0.20.17',
    ['index', 'counter', 'list', 'form', 'component', 'push', 'timer', 'nested'],
  ],
];

describe.each(CASES)('client %s in Chromium, recorded %s', (client, dir, scenarios) => {
  test.each(scenarios)('%s', async (scenario) => {
    const o = await open(client, `${dir}/${scenario}.json`);
    try {
      await expectHtmlMatches(o.app, o.panel, 'after the join');
      await driveAll(o);
      const frames = connection(o.t, 1);
      if (scenario === 'timer') {
        const pushes = frames.filter((f) => f.frame[3] === 'diff').length;
        await pollUntil(
          async () => (await snapshot(o.panel)).msgs.filter((m) => m.name === 'diff').length >= pushes,
          10_000,
          'every server push',
        );
        await expectHtmlMatches(o.app, o.panel, 'after the ticks');
      }
      const snap = await snapshot(o.panel);
      // One process per LiveView (topic), kind liveview, nested ones under their parent.
      const topics = new Set(frames.filter((f) => f.frame[3] === 'phx_join').map((f) => f.frame[2]));
      const lvs = snap.procs.filter((p) => p.kind === 'liveview');
      expect(lvs).toHaveLength(topics.size);
      for (const p of lvs) expect(p.caps).toMatchObject({ jump: false, replay: true, preview: true });
      if (scenario === 'nested') {
        for (const child of lvs.slice(1)) expect(child.parent).toBe(lvs[0].pid);
      }
      if (scenario === 'component') {
        const comps = snap.procs.filter((p) => p.kind === 'component');
        expect(comps.map((c) => c.parent)).toEqual([lvs[0].pid, lvs[0].pid]);
      }
      // Every user event: a message of its LiveView that got its reply, with a round trip.
      const events = snap.msgs.filter((m) => m.kind === 'event');
      expect(
        events.map((m) => m.name),
        JSON.stringify(snap.msgs.map((m) => [m.mid, m.kind, m.name, m.steps])),
      ).toHaveLength(userEvents(frames).length);
      for (const m of events) {
        expect(m.error, m.name).toBeUndefined();
        expect(m.doneAt! - m.startedAt!, `${m.name} round trip`).toBeGreaterThanOrEqual(0);
      }
      // A step for each join and each diff, named by its cause.
      const joins = snap.msgs.filter((m) => m.kind === 'join' && m.steps.length > 0);
      expect(joins).toHaveLength(frames.filter((f) => f.frame[3] === 'phx_join').length);
    } finally {
      await o.close();
    }
  });
});

describe('replay and robustness (client 1.0)', () => {
  test('replay steps A..B from the panel re-sends the recorded events; the DOM ends as recorded at B', async () => {
    const o = await open('1.0', 'phoenix-lv-1.0.17/counter.json');
    try {
      await driveAll(o);
      expect(await o.app.textContent('#count')).toBe('2');
      const snap = await snapshot(o.panel);
      const lv = snap.procs.find((p) => p.kind === 'liveview')!;
      // Steps: 0 before the join, 1 join, 2–4 three incs (count 1, 2, 3), 5 the dec.
      await o.panel.locator(`[data-testid=process-row][data-pid="${lv.pid}"]`).click();
      await o.panel.fill('[data-testid=replay-from]', '2');
      await o.panel.fill('[data-testid=replay-to]', '4');
      await o.panel.selectOption('[data-testid=replay-speed]', 'instant');
      await o.panel.click('[data-testid=replay-start]');
      await expect
        .poll(() => o.panel.getAttribute('[data-testid=replay-progress]', 'data-state'), { timeout: 20_000 })
        .toBe('done');
      await expect.poll(() => o.app.textContent('#count')).toBe('3');
      const replayed = (await snapshot(o.panel)).msgs.filter((m) => m.replay);
      expect(replayed.map((m) => m.name)).toEqual(['inc', 'inc', 'inc']);
      for (const m of replayed) expect(m.doneAt).toBeGreaterThanOrEqual(m.startedAt!);
      // The recording's server answers with the recorded diffs: each reply is the same.
      await expect
        .poll(() =>
          o.panel.$$eval('[data-testid=replay-pair]', (els) =>
            els.map((e) => e.getAttribute('data-verdict')),
          ),
        )
        .toEqual(['same', 'same', 'same']);
      await expectHtmlMatches(o.app, o.panel, 'after the replay');
    } finally {
      await o.close();
    }
  });

  test('malformed frames, unknown events, a binary frame and a 10 MB diff break neither the page nor the panel', async () => {
    const o = await open('1.0', 'phoenix-lv-1.0.17/counter.json');
    try {
      await expectHtmlMatches(o.app, o.panel, 'after the join');
      const topic = connection(o.t, 1)[0].frame[2];
      server.sendRaw(JSON.stringify([null, null, topic, 'diff', 'not an object']));
      server.sendRaw(JSON.stringify([null, null, topic, 'surprise', { x: 1 }]));
      server.sendRaw(JSON.stringify([null, '999', topic, 'phx_reply', { status: 'ok', response: {} }]));
      const t = Buffer.from(topic);
      server.sendRaw(
        Buffer.concat([Buffer.from([0, 0, t.length, 3]), t, Buffer.from('bin'), Buffer.alloc(4096)]),
      );
      server.sendRaw(JSON.stringify([null, null, topic, 'diff', { 0: 'x'.repeat(10 * 1024 * 1024) }]));
      await expect
        .poll(() => o.app.evaluate(() => document.getElementById('count')?.textContent?.length), {
          timeout: 20_000,
        })
        .toBe(10 * 1024 * 1024);
      await pollUntil(
        async () => (await snapshot(o.panel)).notices.some((n) => /unknown event surprise/.test(n)),
        10_000,
        'a notice of what was skipped',
      );
      const notices = (await snapshot(o.panel)).notices.join('\n');
      expect(notices).toMatch(/malformed diff/);
      expect(notices).toMatch(/binary frame/);
      // The big diff is a step (its size recorded), and the page and panel keep working.
      await pollUntil(
        async () => {
          const s = await snapshot(o.panel);
          const lv = s.procs.find((p) => p.kind === 'liveview')!;
          return s.steps[lv.pid]?.name === 'diff';
        },
        20_000,
        'the 10 MB diff as a step',
      );
      // Flagged as a large diff (and the tree holding it as a large state).
      await o.panel
        .locator('[data-testid=flag][data-rule=diff-size]')
        .filter({ hasText: /diff 10\.\d MB/ })
        .waitFor({ timeout: 10_000 });
      await o.panel.locator('[data-testid=flag][data-rule=state-size]').waitFor({ timeout: 10_000 });
      await driveAll(o);
      expect(await o.app.textContent('#count')).toBe('2');
    } finally {
      await o.close();
    }
  });
});
