/**
 * Panel entry: find the inspected tab, follow the DevTools theme, connect the link to the
 * models, and render. Opened as a plain extension page (tests, demos), the tab comes from
 * `?tabId=` and the theme may be forced with `?theme=light|dark`.
 */
import { render } from 'preact';
import { devtoolsTheme, inspectedTabId, type ThemeName } from '../browser';
import { App } from './components/App';
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

const model = createPanelModel({ storage: defaultStorage() });
model.attach(connectLink(tabId, model.handlers));
// A handle for end-to-end tests and for poking at the panel from its own DevTools.
(globalThis as { __HINDSIGHT_PANEL__?: unknown }).__HINDSIGHT_PANEL__ = model;

render(<App model={model} />, document.getElementById('app') ?? document.body);
