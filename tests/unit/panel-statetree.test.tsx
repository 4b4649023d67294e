// @vitest-environment happy-dom
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { StateTree } from '../../extension/panel/components/StateTree';
import { describeMarker, preview, searchText } from '../../extension/panel/lib/serialized';
import type { Serialized } from '../../runtime-hook/protocol';
import { serialize } from '../../runtime-hook/serialize';

afterEach(cleanup);

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>window.__pwned = 1</script>',
  '"><svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
];

function expandAll(c: ParentNode) {
  // Open every closed node, level by level.
  for (let i = 0; i < 10; i++) {
    const closed = [...c.querySelectorAll<HTMLButtonElement>('button.tn-toggle[aria-expanded="false"]')];
    if (!closed.length) return;
    for (const b of closed) fireEvent.click(b);
  }
}

describe('StateTree', () => {
  it('renders hostile strings as text, keys included, and creates no elements from them', () => {
    const value: Serialized = {
      [HOSTILE[0]]: HOSTILE[1],
      list: HOSTILE,
      nested: {
        html: HOSTILE[2],
        marker: { $hs: 'dom', v: HOSTILE[0] },
        fn: { $hs: 'function', name: HOSTILE[1] },
      },
    };
    const { container } = render(<StateTree value={value} />);
    expandAll(container);
    for (const tag of ['img', 'script', 'svg', 'iframe']) expect(container.querySelector(tag)).toBeNull();
    const text = container.textContent ?? '';
    for (const h of HOSTILE) expect(text).toContain(JSON.stringify(h).slice(1, -1));
    expect(text).toContain(HOSTILE[0]); // as a key and as a dom marker label
    expect(text).toContain(`ƒ ${HOSTILE[1]}()`);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('shows markers readably (from the real serializer)', () => {
    class Todo {
      title = 'x';
    }
    const cyclic: Record<string, unknown> = { name: 'root' };
    cyclic.self = cyclic;
    const el = document.createElement('div');
    el.id = 'main';
    el.className = 'a b';
    const { value } = serialize(
      {
        date: new Date(Date.UTC(2020, 0, 2)),
        map: new Map<unknown, unknown>([
          ['k', 1],
          ['j', 2],
          [3, 'three'],
        ]),
        set: new Set([1, 2]),
        sym: Symbol('desc'),
        fn: function named() {},
        node: el,
        todo: new Todo(),
        cyclic,
        undef: undefined,
        nan: Number.NaN,
        big: 12n,
        err: new TypeError('bad thing'),
        deep: { a: { b: { c: { d: 1 } } } },
        long: 'z'.repeat(50),
        many: Array.from({ length: 22 }, (_, i) => i),
        password: 'hunter2',
      },
      { maxDepth: 3, maxStringLength: 10, maxItems: 20 },
    );
    const { container } = render(<StateTree value={value} />);
    expandAll(container);
    const text = container.textContent ?? '';
    for (const s of [
      'Date(2020-01-02T00:00:00.000Z)',
      'Map(3)',
      'Set(2)',
      'Symbol(desc)',
      'ƒ named()',
      '<div id="main" class="a b">',
      'Todo',
      '↻ $.cyclic',
      'undefined',
      'NaN',
      '12n',
      'TypeError: bad thing',
      '… truncated: depth',
      '"zzzzzzzzzz"… (50 chars)',
      '+2 more',
      '[redacted]',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('$hs');
  });

  it('labels each marker kind', () => {
    const cases: [Serialized, string][] = [
      [{ $hs: 'thrown', message: 'getter boom' }, '[thrown: getter boom]'],
      [{ $hs: 'number', v: '-Infinity' }, '-Infinity'],
      [{ $hs: 'string', v: 'abc', length: 6 }, '"abc"… (6 chars)'],
      [{ $hs: 'binary', cls: 'Uint8Array', length: 3, v: [1, 2, 3] }, 'Uint8Array(3)'],
      [{ $hs: 'instance', cls: 'WeakMap' }, 'WeakMap'],
      [{ $hs: 'regexp', source: 'a+b', flags: 'gi' }, '/a+b/gi'],
      [{ $hs: 'truncated', reason: 'size' }, '… truncated: size'],
      [{ $hs: 'truncated', reason: 'depth', cls: 'Map', size: 1 }, '… truncated: depth (Map, 1 items)'],
      [{ $hs: 'ref', path: '$.a.b' }, '↻ $.a.b'],
      [{ $hs: 'something-new', x: 1 }, 'something-new'],
    ];
    for (const [v, label] of cases) expect(describeMarker(v as { $hs: string })).toMatchObject({ label });
    expect(preview({ a: 1, $$hs: 'user', $hs$more: { $hs: 'more', count: 4 } })).toBe(
      '{a: 1, $hs: "user", …: +4 more}',
    );
    expect(searchText({ user: { name: 'Ada' }, tags: ['x'] })).toBe('user name Ada tags x');
  });

  it('renders children lazily and pages big arrays by 100', () => {
    const big = Array.from({ length: 25_000 }, (_, i) => ({ id: i }));
    const { container } = render(<StateTree value={{ big }} openDepth={1} />);
    // Root open, `big` closed: none of its items exist yet.
    expect(container.querySelectorAll('.tn').length).toBe(2);
    const toggle = container.querySelectorAll<HTMLButtonElement>('button.tn-toggle')[1];
    fireEvent.click(toggle);
    // 25,000 items: 3 ranges of 10,000, not 25,000 rows.
    const rangesText = [...container.querySelectorAll('.tn-range')].map((x) => x.textContent);
    expect(rangesText).toEqual(['[0 … 9999]', '[10000 … 19999]', '[20000 … 24999]']);
    fireEvent.click(container.querySelectorAll<HTMLButtonElement>('button.tn-toggle')[2]);
    expect(container.querySelectorAll('.tn-range').length).toBe(3 + 100);
    expect(container.querySelectorAll('.tn').length).toBeLessThan(200);
  });

  it('search opens the paths to matches, inside ranges too', () => {
    const big = Array.from({ length: 500 }, (_, i) => ({ id: i, name: i === 321 ? 'needle' : `n${i}` }));
    const { container } = render(<StateTree value={{ big, other: { x: 1 } }} openDepth={0} />);
    expect(container.textContent).not.toContain('needle');
    const input = container.querySelector<HTMLInputElement>('input[type="search"]')!;
    fireEvent.input(input, { target: { value: 'NEEDLE' } });
    expect(container.textContent).toContain('1 matches');
    const hit = container.querySelector('.tn-hit');
    expect(hit?.textContent).toContain('"needle"');
    // Only the range holding item 321 opened.
    expect(container.querySelectorAll('.tn-hit').length).toBe(1);
    expect(container.textContent).toContain('[300 … 399]');
    expect(container.textContent).not.toContain('"n5"');
  });
});
