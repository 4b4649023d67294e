/** The README's one line, in a module of its own so it runs before the app's imports. */
import { watchLiveSocket } from '../../../runtime-hook/index';

watchLiveSocket();
