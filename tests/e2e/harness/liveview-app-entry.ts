/**
 * app.js with the hook added the way the README tells apps to: one import, before the
 * app's own code (modules run in import order, so the hook's module runs first).
 */
import '../../../runtime-hook/liveview/auto';
import './liveview-app';
