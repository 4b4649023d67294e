// A Redux Toolkit counter written for Redux DevTools: no Hindsight import anywhere.
import { configureStore, createSlice } from '@reduxjs/toolkit';

const counter = createSlice({
  name: 'counter',
  initialState: { n: 0 },
  reducers: {
    inc: (s) => {
      s.n += 1;
    },
    add: (s, a: { payload: number }) => {
      s.n += a.payload;
    },
  },
});
const store = configureStore({ reducer: counter.reducer, devTools: { name: 'rtk counter' } });
const out = document.getElementById('n') as HTMLElement;
const render = () => {
  out.textContent = String(store.getState().n);
};
store.subscribe(render);
render();
(document.getElementById('inc') as HTMLElement).addEventListener('click', () =>
  store.dispatch(counter.actions.inc()),
);
document.getElementById('add')?.addEventListener('click', () => store.dispatch(counter.actions.add(10)));
