// A Zustand counter with the devtools middleware, as its docs show: no Hindsight import anywhere.
import { devtools } from 'zustand/middleware';
import { createStore } from 'zustand/vanilla';

type S = { n: number; inc: () => void };
const store = createStore<S>()(
  devtools((set) => ({ n: 0, inc: () => set((s) => ({ n: s.n + 1 }), undefined, 'inc') }), {
    name: 'zustand counter',
  }),
);
const out = document.getElementById('n') as HTMLElement;
const render = () => {
  out.textContent = String(store.getState().n);
};
store.subscribe(render);
render();
(document.getElementById('inc') as HTMLElement).addEventListener('click', () => store.getState().inc());
