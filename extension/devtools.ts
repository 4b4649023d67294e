/**
 * DevTools page: runs once per DevTools window and only creates the Hindsight panel.
 * Paths are relative to the extension root (this page sits at the root, so Firefox's
 * page-relative resolution agrees with Chrome's).
 */
import { browser } from './browser';

browser.devtools.panels.create('Hindsight', 'icons/icon-32.png', 'panel/panel.html').catch((e: unknown) => {
  console.error('Hindsight: could not create the DevTools panel', e);
});
