/**
 * `import 'hindsight-hook/liveview'`: the one line a Phoenix app's app.js adds. Watches
 * `window.liveSocket` and attaches when the app sets it; the hook itself stays idle until
 * the Hindsight panel connects.
 */
import { watchLiveSocket } from '../adapters/liveview';

watchLiveSocket();
