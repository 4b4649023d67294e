/** The demo's view: plain DOM, re-rendered from store state on every change. */
import { board, toasts } from './store';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function render(): void {
  const s = board.state;
  const list = $('tasks');
  list.replaceChildren(
    ...s.tasks.map((t) => {
      const li = document.createElement('li');
      li.dataset.id = String(t.id);
      li.className = t.done ? 'task done' : 'task';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = t.done;
      box.addEventListener('change', () => board.dispatch('toggleTask', t.id));
      const title = document.createElement('span');
      title.className = 'title';
      title.textContent = t.title;
      const state = document.createElement('span');
      state.className = t.saved ? 'saved' : 'unsaved';
      state.textContent = t.saved ? 'saved' : 'unsaved';
      const save = document.createElement('button');
      save.type = 'button';
      save.className = 'save';
      save.textContent = 'Save';
      save.addEventListener('click', () => board.dispatch('saveTask', t.id));
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '×';
      remove.addEventListener('click', () => board.dispatch('removeTask', t.id));
      li.append(box, title, state, save, remove);
      return li;
    }),
  );
  $('task-count').textContent = String(s.tasks.length);
  $('done-count').textContent = String(s.tasks.filter((t) => t.done).length);
  $('big-count').textContent = String(s.big.length);
  $('mailbox-depth').textContent = String(board.mailbox);
  $('toasts').replaceChildren(
    ...toasts.state.items.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }),
  );
}

$('add-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>('task-input');
  const title = input.value.trim();
  if (title) void board.dispatch('addTask', title);
  input.value = '';
});
$('save-all').addEventListener('click', () => {
  for (const t of board.state.tasks) if (!t.saved) void board.dispatch('saveTask', t.id);
  render();
});
$('load-big').addEventListener('click', () => board.dispatch('loadBig'));
$('clear-big').addEventListener('click', () => board.dispatch('setBig', []));

// Handy from the console (and for the end-to-end tests): drive the stores directly.
(globalThis as Record<string, unknown>).__demo = { board, toasts };

board.subscribe(render);
toasts.subscribe(render);
render();
