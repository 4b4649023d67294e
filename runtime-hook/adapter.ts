/**
 * The one interface every adapter is built on: an adapter turns a library's own notion of
 * "something with state that handles messages" into Hindsight processes through the hook's
 * public process API, and nothing else. Libraries can add themselves the same way.
 */
import type { Hook, ProcessHandle, ProcessOptions } from './hook';

export interface Adapter<Target, Result> {
  /** Library name, for notes and docs. */
  readonly name: string;
  /** Attach to a library object; returns what the app uses instead (or alongside). */
  attach(target: Target, hook: Hook): Result;
}

export type { Hook, ProcessHandle, ProcessOptions };
