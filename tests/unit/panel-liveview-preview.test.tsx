// @vitest-environment happy-dom
/**
 * The LiveView preview: pages rebuilt from recorded states, shown only inside sandboxed
 * iframes whose srcdoc opens with a CSP; nothing from the page ever becomes markup of the
 * panel's own document.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { LiveViewPreview } from '../../extension/panel/components/LiveViewPreview';
import { PREVIEW_CSP, previewDoc } from '../../extension/panel/lib/lvpreview';
import { createPanelModel } from '../../extension/panel/models/panel';
import { RenderedTree } from '../../runtime-hook/liveview/rendered';
import type { Serialized } from '../../runtime-hook/protocol';
import { serialize } from '../../runtime-hook/serialize';
import { FakeLink, Script, SESSION } from './panel-fixtures';

afterEach(cleanup);

const HOSTILE = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '<a href="javascript:window.__pwned = 3">go</a>',
  '<svg onload="window.__pwned = 4"></svg>',
  '<iframe src="javascript:window.__pwned = 5"></iframe>',
  '<link rel="stylesheet" href="https://evil.example/x.css">',
];

/** Recorded LiveView states as the adapter reports them: `{ rendered, streams, title }`,
 *  rebuilt by the engine from wire frames and serialized by the hook's serializer. */
function recordedStates(): Serialized[] {
  const tree = new RenderedTree();
  const states: Serialized[] = [];
  const record = () =>
    states.push(
      serialize({ rendered: tree.tree, streams: tree.streams, title: tree.title }).value as Serialized,
    );
  tree.reset({
    0: '0',
    1: { d: HOSTILE.map((h) => [h]), s: ['<li>', '</li>'] },
    s: ['<h1 onclick="window.__pwned = 6">count ', '</h1><ul>', '</ul>'],
    t: '</title><script>window.__pwned = 7</script>',
  });
  record();
  tree.merge({ 0: '1' });
  record();
  tree.merge({ 0: '2<img src=x onerror="window.__pwned = 8">' });
  record();
  return states;
}

/** Elements of the panel's own document (iframe contents are other documents). */
const panelElements = (selector: string) => [...document.querySelectorAll(selector)];

describe('previewDoc', () => {
  it('opens with the CSP meta and holds the page and its escaped title', () => {
    const [first] = recordedStates();
    const doc = previewDoc(first) as string;
    expect(doc.startsWith(`<meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`)).toBe(true);
    expect(PREVIEW_CSP).toContain("default-src 'none'");
    expect(PREVIEW_CSP).not.toMatch(/unsafe/);
    expect(doc).toContain('<title>&lt;/title&gt;&lt;script&gt;window.__pwned = 7&lt;/script&gt;</title>');
    expect(doc).toContain('<h1 onclick="window.__pwned = 6">count 0</h1>');
    for (const h of HOSTILE) expect(doc).toContain(`<li>${h}</li>`);
  });

  it('gives nothing for a state without a rendered tree', () => {
    expect(previewDoc(undefined)).toBeUndefined();
    expect(previewDoc({ counter: 1 })).toBeUndefined();
    expect(previewDoc('<script>x</script>')).toBeUndefined();
  });
});

describe('LiveViewPreview', () => {
  it('shows past and present in empty-sandbox iframes, adding nothing to the panel document', () => {
    const states = recordedStates();
    const before = panelElements('script, img, svg, a, link, title, h1, li').length;
    render(<LiveViewPreview past={{ step: 0, state: states[0] }} present={{ step: 2, state: states[2] }} />);
    const box = screen.getByTestId('lv-preview');
    const note = screen.getByTestId('lv-server-owns').textContent ?? '';
    expect(note).toContain("The server owns this LiveView's assigns.");
    expect(note).toMatch(/previews the page .* nothing is sent/);
    expect(note).toMatch(
      /Replay re-sends the recorded user events to the live server, onto its present state/,
    );
    expect(box.contains(screen.getByTestId('lv-server-owns'))).toBe(true);
    for (const [id, count] of [
      ['lv-preview-past', 'count 0'],
      ['lv-preview-present', 'count 2'],
    ]) {
      const frame = screen.getByTestId(id) as HTMLIFrameElement;
      expect(frame.tagName).toBe('IFRAME');
      expect(frame.hasAttribute('sandbox')).toBe(true);
      expect(frame.getAttribute('sandbox')).toBe('');
      const doc = frame.srcdoc || frame.getAttribute('srcdoc') || '';
      expect(doc.indexOf('<meta http-equiv="Content-Security-Policy"')).toBe(0);
      expect(doc).toContain(count);
      expect(doc).toContain('<script>window.__pwned = 1</script>');
    }
    // Only the two iframes were added: no page markup became part of the panel's document.
    expect(panelElements('script, img, svg, a, link, title, h1, li').length).toBe(before);
    expect(panelElements('iframe').length).toBe(2);
    expect(box.querySelectorAll('script, img, svg, a, link, h1, li').length).toBe(0);
    expect(box.querySelectorAll('iframe').length).toBe(2);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('says so when a step has no rendered page', () => {
    render(<LiveViewPreview past={{ step: 3, state: { x: 1 } }} />);
    expect(screen.getByTestId('lv-preview-past-none')).toBeTruthy();
    expect(screen.queryByTestId('lv-preview-present')).toBeNull();
  });
});

describe('Inspector', () => {
  function app(preview: boolean) {
    const model = createPanelModel();
    model.attach(new FakeLink());
    model.handlers.status('connected');
    model.handlers.session(SESSION);
    const s = new Script();
    s.process('lv1', 'lv:phx-F1', { kind: 'liveview', caps: { jump: false, replay: true, preview } });
    for (const state of recordedStates()) s.step('lv1', state);
    model.handlers.events(s.take());
    render(<App model={model} />);
  }

  it('shows the preview of a LiveView step beside the present', async () => {
    app(true);
    const row = screen.getAllByTestId('timeline-row').find((r) => r.dataset.step === '1');
    expect(row).toBeTruthy();
    await act(() => {
      fireEvent.click(row as HTMLElement);
    });
    const past = screen.getByTestId('lv-preview-past') as HTMLIFrameElement;
    const present = screen.getByTestId('lv-preview-present') as HTMLIFrameElement;
    expect(past.srcdoc || past.getAttribute('srcdoc')).toContain('count 1');
    expect(present.srcdoc || present.getAttribute('srcdoc')).toContain('count 2');
    expect(screen.getByTestId('inspector').querySelectorAll('script, img, svg, h1').length).toBe(0);
  });

  it('shows no preview for a process without the preview capability', async () => {
    app(false);
    const row = screen.getAllByTestId('timeline-row').find((r) => r.dataset.step === '1');
    await act(() => {
      fireEvent.click(row as HTMLElement);
    });
    expect(screen.getByTestId('inspector').dataset.seq).toBe(row?.dataset.seq);
    expect(screen.queryByTestId('lv-preview')).toBeNull();
  });
});
