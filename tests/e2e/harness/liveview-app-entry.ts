/**
 * app.js with the hook added the way the README tells apps to: one call, before the app's
 * own code (modules run in import order, so the hook's module runs first).
 */
import './liveview-hook-first';
import './liveview-app';
