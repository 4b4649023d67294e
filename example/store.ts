/** The demo's stores: a task board and a toast list, both LiveEx-style flux stores. */
import { createFluxStore } from 'hindsight-hook';

export interface Task {
  id: number;
  title: string;
  done: boolean;
  saved: boolean;
}

export interface BoardState {
  nextId: number;
  tasks: Task[];
  big: { id: number; label: string; tags: string[] }[];
  savedAt: Date | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long the fake server takes to save one task (the slow handler). */
export const SAVE_MS = 400;

export const board = createFluxStore<BoardState>({
  name: 'board',
  state: () => ({
    nextId: 3,
    tasks: [
      { id: 1, title: 'Write the release notes', done: false, saved: true },
      { id: 2, title: 'Review the pull request', done: true, saved: true },
    ],
    big: [],
    savedAt: null,
  }),
  mutations: {
    addTask(s, title: string) {
      s.tasks.push({ id: s.nextId++, title, done: false, saved: false });
    },
    toggleTask(s, id: number) {
      const t = s.tasks.find((x) => x.id === id);
      if (t) {
        t.done = !t.done;
        t.saved = false;
      }
    },
    removeTask(s, id: number) {
      s.tasks = s.tasks.filter((x) => x.id !== id);
    },
    markSaved(s, id: number) {
      const t = s.tasks.find((x) => x.id === id);
      if (t) t.saved = true;
      s.savedAt = new Date();
    },
    setBig(s, items: BoardState['big']) {
      s.big = items;
    },
  },
  actions: {
    /** Slow on purpose: while it awaits, later dispatches wait in the mailbox. */
    async saveTask(ctx, id: number) {
      await sleep(SAVE_MS);
      ctx.commit('markSaved', id);
      toasts.commit('push', `Saved task ${id}`);
    },
    loadBig(ctx) {
      const items = Array.from({ length: 5000 }, (_, i) => ({
        id: i,
        label: `Item ${i}`,
        tags: ['bulk', `g${i % 7}`],
      }));
      ctx.commit('setBig', items);
    },
  },
});

export const toasts = createFluxStore<{ items: string[] }>({
  name: 'toasts',
  parent: board.process,
  state: { items: [] },
  mutations: {
    push(s, text: string) {
      s.items = [...s.items.slice(-4), text];
    },
  },
});
