import { describe, expect, it } from 'vitest';
import { createPanelModel } from '../../extension/panel/models/panel';
import type { SessionStore } from '../../extension/panel/models/session';
import { exportFileName, exportSession, importSession } from '../../extension/panel/models/transfer';
import { Script, SESSION } from './panel-fixtures';

function liveModel() {
  const model = createPanelModel();
  model.handlers.session(SESSION);
  const s = new Script();
  s.process('p1', 'cart');
  s.process('p2', 'row', { parent: 'p1', kind: 'component' });
  s.step('p1', { items: [], note: '<img src=x onerror=alert(1)>' });
  for (let i = 0; i < 30; i++)
    s.message('p1', 'add', { id: i }, [{ items: Array.from({ length: i + 1 }, (_, k) => k) }]);
  s.notice('careful', 'warn', 3);
  s.travel('p1', 4);
  model.handlers.events(s.take());
  return model;
}

const timelineOf = (store: SessionStore) =>
  store.timeline.toArray().map((e) => [e.seq, e.t, e.pid, e.kind, e.name, e.step ?? null, e.mid ?? null]);

describe('export / import', () => {
  it('round-trips: the imported timeline, states and processes equal the live ones', () => {
    const model = liveModel();
    const live = model.live.value;
    const text = exportSession(live, 123);
    const parsed = JSON.parse(text);
    expect(parsed).toMatchObject({
      format: 'hindsight-session',
      version: 1,
      protocol: 1,
      exportedAt: 123,
      session: SESSION,
    });
    expect(parsed.events).toHaveLength(live.raw.length);

    const res = importSession(text);
    expect(res.bad).toBe(0);
    expect(res.total).toBe(live.raw.length);
    const imp = res.store!;
    expect(imp.viewOnly).toBe(true);
    expect(imp.info).toEqual(SESSION);
    expect(timelineOf(imp)).toEqual(timelineOf(live));
    expect(imp.history.get('p1', 30)!.state).toEqual(live.history.get('p1', 30)!.state);
    expect(imp.processes.tree().map((r) => r.row.name)).toEqual(['cart', 'row']);
    expect(imp.pageDropped).toBe(3);
    // And again: exporting the import gives the same content.
    expect(JSON.parse(exportSession(imp, 123))).toEqual(parsed);
  });

  it('the model shows an import as a view-only session and goes back to live', () => {
    const model = liveModel();
    const text = model.exportText();
    expect(model.importText(text, 'x.json')).toBe(true);
    expect(model.view.value).not.toBe(model.live.value);
    expect(model.imported.value).toMatchObject({ fileName: 'x.json', bad: 0 });
    expect(model.filter.result.value.length).toBe(model.live.value.timeline.length);
    model.closeImport();
    expect(model.view.value).toBe(model.live.value);
  });

  it('counts malformed events and never throws', () => {
    const good = new Script();
    good.process('p1', 'a');
    good.step('p1', { x: 1 });
    const events: unknown[] = [
      ...good.take(),
      null,
      42,
      'text',
      { type: 'step', seq: 3, t: 1, pid: 'p1', step: 1, full: {}, delta: {}, stats: { size: 1 } }, // both full and delta
      { type: 'queued', seq: 4, t: 1, pid: 'p1', mid: -1, name: 'x', kind: 'action' },
      {
        type: 'process',
        seq: 5,
        t: 1,
        pid: 'p2',
        name: 'b',
        kind: 'store',
        caps: { jump: 'yes', replay: false },
      },
      { type: 'evil', seq: 6, t: 1 },
      { type: 'notice', seq: 7, t: Number.NaN, level: 'info', text: 'x' },
      { type: 'step', seq: 8, t: 1, pid: 'p1', step: 1, delta: { x: [1, 2] }, stats: { size: 7 } },
    ];
    const res = importSession(
      JSON.stringify({ format: 'hindsight-session', version: 1, session: SESSION, events }),
    );
    expect(res.error).toBeUndefined();
    expect(res.bad).toBe(8);
    expect(res.total).toBe(11);
    expect(res.store!.history.get('p1', 1)!.state).toEqual({ x: 2 });

    for (const bad of [
      '',
      'not json',
      '[]',
      '{}',
      '{"format":"hindsight-session","version":2,"events":[]}',
      '{"format":"hindsight-session","version":1}',
      'null',
    ]) {
      let r: ReturnType<typeof importSession> | undefined;
      expect(() => {
        r = importSession(bad);
      }).not.toThrow();
      expect(r!.store).toBeUndefined();
      expect(r!.error).toBeTruthy();
    }
    const model = createPanelModel();
    expect(model.importText('{"format":"nope"}', 'f.json')).toBe(false);
    expect(model.hint.value?.text).toContain('import failed');
    expect(model.imported.value).toBeNull();
  });

  it('names export files with safe characters', () => {
    const model = liveModel();
    expect(exportFileName(model.live.value, Date.UTC(2024, 0, 2, 3, 4, 5))).toBe(
      'hindsight-localhost_5173-2024-01-02T03-04-05.json',
    );
  });
});
