/**
 * Panel entry: find the inspected tab, follow the DevTools theme, connect the link to the
 * models, and render. Opened as a plain extension page (tests, demos), the tab comes from
 * `?tabId=` and the theme may be forced with `?theme=light|dark`.
 */
import { effect } from '@preact/signals';
import { options, render } from 'preact';
import { devtoolsTheme, inspectedTabId, type ThemeName } from '../browser';
import { App } from './components/App';
import { paced, perFrame } from './lib/frame';
import { defaultStorage } from './lib/storage';
import { connectLink } from './link';
import { createPanelModel } from './models/panel';

const params = new URLSearchParams(location.search);
const tabId = inspectedTabId() ?? Number(params.get('tabId'));

const applyTheme = (t: ThemeName): void => {
  document.documentElement.dataset.theme = t;
};
const forced = params.get('theme');
applyTheme(forced === 'dark' || forced === 'light' ? forced : devtoolsTheme(applyTheme));

// Re-render at most once per animation frame, however often batches arrive (lib/frame.ts).
options.debounceRendering = perFrame();

// A busy stream is redrawn at most twice a second; the models take every batch at once.
const model = createPanelModel({ storage: defaultStorage(), refresh: paced(500) });
// Events the link refused without loss (already held, another session) are kept with the
// drop counters, under their own reasons; the toolbar shows them apart from drops.
model.attach(
  connectLink(tabId, {
    ...model.handlers,
    ignored: (d) => model.handlers.dropped({ where: 'panel', reason: d.reason, count: d.count }),
  }),
);
// Search texts are built while the panel is idle, so the first search is as quick as any.
const idle = (cb: (d: { timeRemaining(): number }) => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(cb, { timeout: 2000 });
  else setTimeout(() => cb({ timeRemaining: () => 8 }), 200);
};
let warming = false;
const warm = (d: { timeRemaining(): number }): void => {
  if (model.filter.warm(() => d.timeRemaining())) idle(warm);
  else warming = false;
};
effect(() => {
  model.view.value.version.value;
  if (!warming) {
    warming = true;
    idle(warm);
  }
});
// A handle for end-to-end tests and for poking at the panel from its own DevTools.
(globalThis as { __HINDSIGHT_PANEL__?: unknown }).__HINDSIGHT_PANEL__ = model;

render(<App model={model} />, document.getElementById('app') ?? document.body);
