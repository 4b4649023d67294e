/**
 * localStorage access that never throws: extension pages can have storage disabled
 * (privacy settings, sandboxed test pages), and settings are a convenience, not a need.
 */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function defaultStorage(): KeyValueStore | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export function readJson(store: KeyValueStore | undefined, key: string): unknown {
  try {
    const text = store?.getItem(key);
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export function writeJson(store: KeyValueStore | undefined, key: string, value: unknown): void {
  try {
    store?.setItem(key, JSON.stringify(value));
  } catch {
    // Quota or disabled storage: the in-memory value still applies for this session.
  }
}
