// @vitest-environment happy-dom
/**
 * The rendered-tree engine against the real phoenix_live_view client's own `Rendered` class
 * (the oracle), on the real recorded websocket transcripts in ../shared/fixtures/liveview.
 *
 * The oracle: each client version's `assets/js/phoenix_live_view/rendered.{js,ts}` source,
 * which ships in the npm tarball (not exported from the package's entry point, so it is
 * imported by file path). npm aliases: plv018 = 0.18.18, plv020 = 0.20.1 (the newest 0.20 on
 * npm), plv10 = 1.0.x (1.0.19 as package.json pins it), plv11 = 1.1.32, plv12 = 1.2.12. Each topic's received frames are
 * replayed as the client's View does: the join reply's `rendered` and every later diff go
 * through `Rendered.extract` (r/e/t), then `new Rendered(id, diff)` / `mergeDiff(diff)`, then
 * `toString()` (the render has side effects the next merge depends on: since 1.1 templates
 * are resolved and dropped, stream entries are emptied).
 *
 * The client renders with its "skip" optimization (an unchanged root is rendered empty, the
 * DOM keeps the old one); to get the whole HTML the oracle renders, at every step, a fresh
 * `Rendered` built from a copy of the merged tree (its first render skips nothing).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { Socket } from 'phoenix';
import { build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import { RenderedTree, renderHTML } from '../../runtime-hook/liveview/rendered';
import { FIXTURES, type Frame, loadTopics, step, type Topic } from '../support/liveview-topics';

// biome-ignore lint/suspicious/noExplicitAny: the real client's classes are untyped JS
type RenderedClass = any;
const CLIENTS: Record<string, RenderedClass> = {};
const VERSIONS = ['plv018', 'plv020', 'plv10', 'plv11', 'plv12'] as const;
/** 1.1+ clients read comprehensions only in the keyed `k` format. */
const readsD = (v: string) => v === 'plv018' || v === 'plv020' || v === 'plv10';

/**
 * The client's source uses extensionless imports, which Node does not resolve inside
 * node_modules, so each version's rendered.js (with its constants/utils) is bundled as is
 * with Vite into one ES module, written under node_modules/.cache and imported.
 */
async function loadClient(version: string): Promise<RenderedClass> {
  const root = join(import.meta.dirname, '../..');
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: {
        entry: join(root, `node_modules/${version}/assets/js/phoenix_live_view/rendered.js`),
        formats: ['es'],
      },
    },
  });
  const code = (Array.isArray(out) ? out[0] : (out as { output: { code: string }[] })).output[0].code;
  const dir = join(root, 'node_modules/.cache/hindsight-liveview-oracle');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${version}-rendered.mjs`);
  writeFileSync(file, code);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)).default;
}

beforeAll(async () => {
  for (const v of VERSIONS) CLIENTS[v] = await loadClient(v);
}, 60_000);

/** The client's internal render bookkeeping, not part of the wire data. */
function stripInternal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripInternal);
  if (v === null || typeof v !== 'object') return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    if (!['magicId', 'newRender', 'reset'].includes(k)) o[k] = stripInternal(x);
  return o;
}

const asString = (r: unknown): string =>
  Array.isArray(r) ? r[0] : typeof r === 'string' ? r : (r as { buffer: string }).buffer;

/**
 * Attributes the client injects for its own DOM patching (1.0+: data-phx-id on roots,
 * data-phx-component / data-phx-view on component roots, data-phx-skip); 0.18/0.20 put
 * data-phx-component on component roots and give those without an id one made of the view
 * id, cid and index. Nothing else is normalized for 1.0+.
 */
function normalize(html: string, viewId: string): string {
  return html
    .replace(/ data-phx-(?:id|component|view)="[^"]*"| data-phx-skip(?:="")?/g, '')
    .replace(new RegExp(` id="${viewId}-\\d+-\\d+"`, 'g'), '');
}

/**
 * 0.18/0.20 render each component through a <template>'s innerHTML and drop whitespace-only
 * text at the component's top level, so their output is compared as DOM: both sides parsed
 * and re-serialized, whitespace-only text nodes ignored.
 */
function asDom(html: string): string {
  const t = document.createElement('template');
  t.innerHTML = html;
  const walk = (n: Node) => {
    for (const c of [...n.childNodes]) {
      if (c.nodeType === 3 && !c.nodeValue?.trim()) c.remove();
      else walk(c);
    }
  };
  walk(t.content);
  return t.innerHTML;
}

/** Replays one topic through the real client and through RenderedTree; calls back per step. */
function replay(
  Client: RenderedClass,
  topic: Topic,
  onStep: (expected: string, actual: string, tree: RenderedTree) => void,
): number {
  const viewId = topic.topic.slice(3);
  const mine = new RenderedTree();
  let oracle: RenderedClass = null;
  let steps = 0;
  for (const frame of topic.frames) {
    const s = step(frame);
    if (!s) continue;
    const { diff } = Client.extract(structuredClone(s[1]));
    if (s[0] === 'join') {
      oracle = new Client(viewId, diff);
      mine.reset(structuredClone(s[1]));
    } else {
      if (!oracle) continue;
      oracle.mergeDiff(diff);
      mine.merge(structuredClone(s[1]));
    }
    const fresh = new Client(viewId, stripInternal(structuredClone(oracle.get())));
    const expected = asString(fresh.toString());
    asString(oracle.toString()); // the client's own render after each merge (side effects)
    onStep(expected, mine.toHTML(), mine);
    steps++;
  }
  return steps;
}

const topics = loadTopics();
const hasD = (t: Topic) => JSON.stringify(t.frames).includes('"d":[');

describe('RenderedTree against the real client on recorded transcripts', () => {
  it('finds the fixtures', () => {
    expect(topics.length).toBeGreaterThan(20);
  });

  const counted: Record<string, number> = {};
  for (const version of VERSIONS) {
    describe(version, () => {
      for (const topic of topics) {
        if (!readsD(version) && hasD(topic)) continue;
        it(`${topic.fixture} ws${topic.ws} ${topic.topic}`, () => {
          const viewId = topic.topic.slice(3);
          const old = version === 'plv018' || version === 'plv020';
          const steps = replay(CLIENTS[version], topic, (expected, actual) => {
            const e = normalize(expected, viewId);
            const a = normalize(actual, viewId);
            if (old) expect(asDom(a)).toBe(asDom(e));
            else expect(a).toBe(e);
          });
          counted[version] = (counted[version] ?? 0) + steps;
        });
      }
    });
  }

  it('compared every step', () => {
    console.log('oracle steps compared per client:', counted);
    for (const v of VERSIONS) expect(counted[v]).toBeGreaterThan(0);
  });
});

/**
 * Differential fuzzing against the real client: joins and diffs generated in the wire
 * format (nested trees, root flags, components sharing statics by positive/negative cid,
 * templates `p`, comprehensions as `d` for 0.20/1.0 and keyed `k`/`kc`/`km` for 1.1+), each
 * diff made from the shape of the tree so far, as a server would. Whatever the real client
 * renders, RenderedTree must render the same. A step the client itself throws on ends the run
 * (nothing to compare with); RenderedTree must still not throw.
 */
describe('RenderedTree against the real client on generated diffs', () => {
  type G = fc.GeneratorValue;
  type Obj = Record<string, unknown>;
  const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
  const word = (g: G) => g(fc.constantFrom, 'a', 'b c', '<i>x</i>', ' ', '&amp;', '"q"', '');
  const statics = (g: G, n: number, tag: boolean): string[] => {
    const s = Array.from({ length: n + 1 }, () => word(g));
    if (tag) {
      s[0] = `<div class="r">${s[0]}`;
      s[n] = `${s[n]}</div>`;
    }
    return s;
  };

  function makeGen(format: 'd' | 'k', km: boolean) {
    let cids: number[] = [];
    let nextCid = 1;
    /** A full node (carrying statics). */
    const node = (g: G, depth: number, root: boolean): Obj => {
      const n = g(fc.integer, { min: 0, max: depth > 2 ? 1 : 3 });
      const flag = root || g(fc.boolean);
      const o: Obj = { s: statics(g, n, flag) };
      if (flag && !root) o.r = 1;
      for (let i = 0; i < n; i++) o[i] = dyn(g, depth + 1);
      return o;
    };
    const entry = (g: G, n: number, depth: number): Obj => {
      const e: Obj = {};
      for (let i = 0; i < n; i++) e[i] = g(fc.boolean) ? word(g) : node(g, depth + 1, false);
      return e;
    };
    const comp = (g: G, depth: number): Obj => {
      const n = g(fc.integer, { min: 0, max: 2 });
      const count = g(fc.integer, { min: 0, max: 3 });
      const es = Array.from({ length: count }, () => entry(g, n, depth));
      if (format === 'd')
        return { s: statics(g, n, false), d: es.map((e) => Array.from({ length: n }, (_, i) => e[i])) };
      const k: Obj = { kc: count };
      es.forEach((e, i) => {
        k[i] = e;
      });
      return { s: statics(g, n, false), k };
    };
    const dyn = (g: G, depth: number): unknown => {
      const pick = g(fc.integer, { min: 0, max: depth > 3 ? 0 : 3 });
      if (pick === 0) return word(g);
      if (pick === 1) return node(g, depth, false);
      if (pick === 2) return comp(g, depth);
      if (pick === 3) {
        const cid = nextCid++;
        pendingNew.push(cid);
        return cid;
      }
      return word(g);
    };
    let pendingNew: number[] = [];

    /** A diff for the current node `cur` (no statics: merge into it), or a replacement. */
    const diffNode = (g: G, cur: unknown, depth: number, root = false): unknown => {
      // (a server never sends the root anew mid-session: that would drop every component)
      if (!isObj(cur) || !Array.isArray(cur.s) || (depth > 0 && g(fc.integer, { min: 0, max: 9 }) === 0))
        return isObj(cur) && (cur.d || cur.k) ? comp(g, depth) : node(g, depth, root);
      if (cur.d || cur.k) return diffComp(g, cur, depth);
      const o: Obj = {};
      for (let i = 0; i < cur.s.length - 1; i++) {
        if (!g(fc.boolean)) continue;
        const v = cur[i];
        // a re-render keeps a child component's cid, or renders something else there
        o[i] = isObj(v)
          ? diffNode(g, v, depth + 1)
          : typeof v === 'number' && g(fc.boolean)
            ? v
            : dyn(g, depth + 1);
      }
      return o;
    };
    const diffComp = (g: G, cur: Obj, depth: number): Obj => {
      const n = (cur.s as unknown[]).length - 1;
      if (format === 'd') {
        const count = g(fc.integer, { min: 0, max: 3 });
        return {
          d: Array.from({ length: count }, () => Array.from({ length: n }, (_, i) => entry(g, n, depth)[i])),
        };
      }
      const old = (cur.k as Obj).kc as number;
      const kc = g(fc.integer, { min: 0, max: 4 });
      const k: Obj = { kc };
      // what each position gets: 0/1 a new entry (0 leaves an old one in place), 2 a diff in
      // place, 3/4 an old entry moved there (alone or with a diff); a server moves each old
      // entry at most once and never one that stays in place
      const entryDiff = (e: Obj): Obj => {
        const d: Obj = {};
        for (let j = 0; j < n; j++)
          if (g(fc.boolean)) d[j] = isObj(e?.[j]) ? diffNode(g, e[j], depth + 1) : word(g);
        return d;
      };
      const hows = Array.from({ length: kc }, (_, i) => g(fc.integer, { min: 0, max: i < old ? 4 : 1 }));
      const free = Array.from({ length: old }, (_, i) => i).filter(
        (i) => !(i < kc && (hows[i] === 0 || hows[i] === 2)),
      );
      hows.forEach((how, i) => {
        if (how === 0 || how === 1 || (how > 2 && !free.length)) {
          if (i >= old || how !== 0) k[i] = entry(g, n, depth);
        } else if (how === 2) {
          k[i] = entryDiff((cur.k as Obj)[i] as Obj);
        } else {
          const from = free.splice(g(fc.integer, { min: 0, max: free.length - 1 }), 1)[0];
          k[i] = how === 3 ? from : [from, entryDiff((cur.k as Obj)[from] as Obj)];
          // 1.2 servers flag moves with km (the 1.2 client clones only then); 1.1 has no km
          if (km) k.km = 1;
        }
      });
      return { k };
    };
    /** Move some statics into templates `p` (at the root, or on a comprehension for `d`). */
    const templatize = (g: G, diff: Obj) => {
      if (!g(fc.boolean)) return;
      const p: Obj = {};
      let next = 0;
      const walk = (n: unknown, inComp: boolean) => {
        if (Array.isArray(n)) {
          for (const x of n) walk(x, inComp);
          return;
        }
        if (!isObj(n)) return;
        for (const key of Object.keys(n))
          if (key !== 's' && key !== 'c') walk(n[key], inComp || !!n.d || !!n.k);
        if (Array.isArray(n.s) && (format === 'k' || inComp) && g(fc.boolean)) {
          p[next] = n.s;
          n.s = next++;
        }
      };
      if (format === 'k') {
        walk(diff, false);
        if (next) diff.p = p;
      } else {
        // 0.20/1.0: templates live on the outermost comprehension and serve the nodes in it
        const find = (n: unknown): void => {
          if (Array.isArray(n)) {
            for (const x of n) find(x);
            return;
          }
          if (!isObj(n)) return;
          if (n.d) {
            walk(n.d, true);
            if (next) n.p = { ...p };
            return;
          }
          for (const key of Object.keys(n)) if (key !== 's' && key !== 'c') find(n[key]);
        };
        find(diff);
      }
    };
    /** Fresh dynamics for statics `s` (a component sharing another one's statics). */
    const dynamicsFor = (g: G, s: unknown): Obj => {
      const o: Obj = {};
      for (let i = 0; i < (Array.isArray(s) ? s.length - 1 : 0); i++) o[i] = dyn(g, 3);
      return o;
    };
    /**
     * Components: each new cid (referenced once, where it was made) gets statics of its own or
     * shares them with another cid, new in this diff (positive) or already there (negative);
     * some existing cids get a diff or are rendered anew.
     */
    const components = (g: G, oldc: Obj): Obj | undefined => {
      const c: Obj = {};
      const made: number[] = [];
      for (const cid of cids) {
        const how = g(fc.integer, { min: 0, max: 5 });
        if (how === 0) c[cid] = diffNode(g, oldc[cid], 2, true);
        else if (how === 1) c[cid] = node(g, 2, true);
      }
      while (pendingNew.length) {
        const cid = pendingNew.shift() as number;
        const share = g(fc.integer, { min: 0, max: 2 });
        const others = made.filter((x) => Array.isArray((c[x] as Obj).s));
        if (share === 1 && cids.length) {
          const from = g(fc.constantFrom, ...cids) as number;
          c[cid] = { ...dynamicsFor(g, (oldc[from] as Obj).s), s: -from };
        } else if (share === 2 && others.length) {
          const from = g(fc.constantFrom, ...others) as number;
          c[cid] = { ...dynamicsFor(g, (c[from] as Obj).s), s: from };
        } else c[cid] = node(g, 2, true);
        made.push(cid);
      }
      for (const cid of made) cids.push(cid);
      return Object.keys(c).length ? c : undefined;
    };
    return {
      join(g: G): Obj {
        cids = [];
        nextCid = 1;
        pendingNew = [];
        const root = node(g, 0, false);
        delete root.r;
        templatize(g, root);
        const c = components(g, {});
        if (c) root.c = c;
        return root;
      },
      diff(g: G, tree: Obj): Obj {
        const d = diffNode(g, { ...tree, s: tree.s }, 0) as Obj;
        delete d.r;
        templatize(g, d);
        const c = components(g, (tree.c as Obj) ?? {});
        if (c) d.c = c;
        if (g(fc.boolean)) d.t = word(g);
        return d;
      },
    };
  }

  /** Wire features each run must have exercised (frames containing them). */
  const FEATURES: [string, RegExp][] = [
    ['templates p', /"p":\{/],
    ['shared statics, new cid', /"s":[1-9]/],
    ['shared statics, old cid', /"s":-[1-9]/],
    ['root flag r', /"r":1/],
    ['d', /"d":\[/],
    ['k', /"k":\{/],
    ['k move', /"k":\{[^}]*"\d+":(\d|\[\d)/],
  ];
  const cases: [string, 'd' | 'k'][] = [
    ['plv020', 'd'],
    ['plv10', 'd'],
    ['plv11', 'k'],
    ['plv12', 'k'],
  ];
  for (const [version, format] of cases) {
    it(`${version} (${format === 'd' ? 'comprehensions as d' : 'keyed comprehensions'})`, () => {
      const Client = CLIENTS[version];
      let compared = 0;
      const seen: Record<string, number> = {};
      fc.assert(
        fc.property(fc.gen(), (g) => {
          const gen = makeGen(format, version === 'plv12');
          const mine = new RenderedTree();
          let oracle: RenderedClass;
          for (let i = 0; i < 6; i++) {
            const wire = JSON.parse(JSON.stringify(i === 0 ? gen.join(g) : gen.diff(g, oracle.get())));
            const text = JSON.stringify(wire);
            for (const [f, re] of FEATURES) if (re.test(text)) seen[f] = (seen[f] ?? 0) + 1;
            const mineOut = i === 0 ? mine.reset(structuredClone(wire)) : mine.merge(structuredClone(wire));
            let expected: string;
            try {
              const { diff, title } = Client.extract(structuredClone(wire));
              expect(mineOut.title).toBe(title);
              if (i === 0) oracle = new Client('v', diff);
              else oracle.mergeDiff(diff);
              expected = asString(new Client('v', stripInternal(structuredClone(oracle.get()))).toString());
              asString(oracle.toString());
            } catch (e) {
              if ((e as Error).name === 'AssertionError') throw e;
              expect(typeof mine.toHTML()).toBe('string');
              return;
            }
            const actual = mine.toHTML();
            if (version === 'plv020')
              expect(asDom(normalize(actual, 'v'))).toBe(asDom(normalize(expected, 'v')));
            else expect(normalize(actual, 'v')).toBe(normalize(expected, 'v'));
            compared++;
          }
        }),
        { numRuns: 300 },
      );
      console.log(`${version}: ${compared} generated steps compared; frames with`, seen);
      const other = format === 'd' ? ['k', 'k move'] : ['d'];
      for (const [f] of FEATURES) if (!other.includes(f)) expect(seen[f]).toBeGreaterThan(10);
      expect(compared).toBeGreaterThan(300);
    });
  }
});

describe('pages against the fixtures’ checks', () => {
  /**
   * `checks` are what the page showed at a moment `t` (text read from the DOM). The page at
   * that moment: each LiveView's tree rebuilt from the frames received before `t`, nested
   * LiveViews put into their containers. A string or number check is page text; the others
   * say how to read the page (selectors from the fixture's own markup).
   */
  type Check = { t: number; label: string; value: unknown };
  const READ: Record<string, ((root: Element, check: Check) => void) | 'skip'> = {
    'reversed, first li': (root, c) => expect(root.querySelector('li')?.id).toBe(c.value),
    'nothing saved while invalid': (root, c) =>
      expect(root.querySelectorAll('#saved li').length).toBe(c.value),
    'form reset after save': (root, c) => {
      expect(c.value).toBe('name empty');
      expect(root.querySelector('#name')?.getAttribute('value')).toBe('');
    },
    // innerText of an <ol>: one line per item
    'names ol': (root, c) =>
      expect([...root.querySelectorAll('ol li')].map((li) => li.textContent?.trim()).join('\n')).toBe(
        c.value,
      ),
    'child two removed': (root, c) => expect(root.querySelector('#child-two') === null).toBe(c.value),
    // written by a client hook into a phx-update="ignore" element, never by the server
    'ping reply': 'skip',
    // events seen by client-side listeners, not page content
    'client-side events': 'skip',
  };

  for (const file of [...new Set(topics.map((t) => t.fixture))].filter((f) => f.startsWith('phoenix'))) {
    it(file, () => {
      const data = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
      const frames: { t: number; frame: Frame }[] = data.websockets
        .flatMap((w: { frames: { dir: string; t: number; payload: string }[] }) => w.frames)
        .filter((f: { dir: string }) => f.dir === 'received')
        .map((f: { t: number; payload: string }) => ({ t: f.t, frame: JSON.parse(f.payload) }));
      let applied = 0;
      for (const check of data.checks as Check[]) {
        const views = new Map<string, RenderedTree>();
        for (const { t, frame } of frames) {
          if (t > check.t || !frame[2].startsWith('lv:')) continue;
          const id = frame[2].slice(3);
          const s = step(frame);
          if (s?.[0] === 'join') views.set(id, new RenderedTree()).get(id)?.reset(s[1]);
          else if (s) views.get(id)?.merge(s[1]);
          if (frame[3] === 'phx_close') views.delete(id);
        }
        const root = document.createElement('div');
        root.innerHTML = [...views.values()][0].toHTML();
        for (const el of root.querySelectorAll('[data-phx-session]'))
          el.innerHTML = views.get(el.id)?.toHTML() ?? '';
        const read = READ[check.label];
        if (read === 'skip') continue;
        if (read) read(root, check);
        else {
          expect(['string', 'number']).toContain(typeof check.value);
          const text = (root.textContent ?? '').replace(/\s+/g, ' ');
          expect(text, check.label).toContain(String(check.value).replace(/\s+/g, ' '));
        }
        applied++;
      }
      expect(applied).toBe((data.checks as Check[]).filter((c) => READ[c.label] !== 'skip').length);
    });
  }
});

describe('RenderedTree never throws', () => {
  const realDiffs = topics.flatMap((t) => t.frames.map(step).filter((s) => s !== null)).map((s) => s[1]);
  const wireKeys = ['s', 'c', 'd', 'k', 'kc', 'km', 'p', 'r', 'e', 't', 'stream', '0', '1', '2', '__proto__'];
  /** A real diff with one subtree replaced by arbitrary JSON or a wire-looking value. */
  const mutated = fc
    .tuple(
      fc.constantFrom(...realDiffs),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(-1, 0, 1, 2, 1e9, -1e9, null, [], {}, [['x', 0, -1]], { kc: 1e9 }, { s: 0 }),
      ),
      fc.constantFrom(...wireKeys),
    )
    .map(([diff, path, value, key]) => {
      const copy = structuredClone(diff) as Record<string, unknown>;
      let node: Record<string, unknown> = copy;
      for (const i of path) {
        const keys = Object.keys(node);
        const next = keys.length ? node[keys[i % keys.length]] : undefined;
        if (next === null || typeof next !== 'object') break;
        node = next as Record<string, unknown>;
      }
      Object.defineProperty(node, key, { value, enumerable: true, configurable: true, writable: true });
      return copy;
    });

  it('on arbitrary JSON and on mutated real diffs, in any order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.jsonValue({ maxDepth: 5 }), mutated), { minLength: 1, maxLength: 8 }),
        (msgs) => {
          const t = new RenderedTree();
          msgs.forEach((m, i) => {
            const out = i === 0 ? t.reset(m) : t.merge(m);
            expect(typeof out).toBe('object');
            expect(typeof t.toHTML()).toBe('string');
            expect(typeof renderHTML(t.tree, t.streams)).toBe('string');
            expect(() => JSON.stringify(t.tree)).not.toThrow();
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on hostile shapes: cycles of components, huge counts, deep nesting, a 10 MB diff', () => {
    const t = new RenderedTree();
    t.reset({
      0: 1,
      c: { 1: { 0: 2, s: ['<a>', '</a>'] }, 2: { 0: 1, 1: 1, s: ['<b>', '', '</b>'] } },
      s: ['', ''],
    });
    expect(t.toHTML()).toBe('<a><b></b></a>');
    t.reset({ 0: { s: [''], k: { kc: 1e9 } }, s: ['', ''] });
    t.merge({ 0: { k: { kc: 0 } } });
    expect(t.toHTML()).toBe('');
    let deep: Record<string, unknown> = { s: ['x'] };
    for (let i = 0; i < 100_000; i++) deep = { 0: deep, s: ['', ''] };
    t.reset(deep);
    expect(typeof t.toHTML()).toBe('string');
    const big = 'y'.repeat(10 * 1024 * 1024);
    t.reset({ 0: '', s: ['<p>', '</p>'] });
    t.merge({ 0: big });
    expect(t.toHTML().length).toBe(big.length + 7);
    // components sharing each other many times over: the render gives up rather than explode
    const c: Record<string, unknown> = { 40: { s: ['<i>z</i>'] } };
    for (let i = 1; i < 40; i++) c[i] = { 0: i + 1, 1: i + 1, s: ['<i>', '', '', '</i>'] };
    t.reset({ 0: 1, c, s: ['', ''] });
    expect(typeof t.toHTML()).toBe('string');
  });
});

/**
 * Streams against the real client's DOM: stream items live only in the DOM, so the oracle
 * is the client's own View patching a container in happy-dom (as LiveView's own JS tests
 * drive it: `new View(el, liveSocket)`, `onJoin({rendered})`, `update(diff, [])`). View is
 * internal, so the package's prebuilt ESM (morphdom inlined) is loaded with one export line
 * appended. Generated stream ops: inserts at -1/0/n with limits, deletes, resets, and (1.2)
 * update-only inserts; the page around the stream changes too.
 */
describe('streams against the real client’s DOM', () => {
  async function loadView(version: string) {
    const root = join(import.meta.dirname, '../..');
    const src = readFileSync(
      join(root, `node_modules/${version}/priv/static/phoenix_live_view.esm.js`),
      'utf8',
    );
    const dir = join(root, 'node_modules/.cache/hindsight-liveview-oracle');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${version}-live.mjs`);
    writeFileSync(file, `${src.replace(/\/\/# sourceMappingURL=.*$/m, '')}\nexport { View as __View };\n`);
    return import(/* @vite-ignore */ pathToFileURL(file).href);
  }

  /** The client's own markers on stream children and roots (data-phx-*), dropped. */
  const clean = (html: string) => asDom(html.replace(/ data-phx-[\w-]+(?:="[^"]*")?/g, ''));

  for (const [version, format] of [
    ['plv10', 'd'],
    ['plv12', 'k'],
  ] as const) {
    it(`${version} (${format})`, async () => {
      const { LiveSocket, __View: View } = await loadView(version);
      const liveSocket = new LiveSocket('/live', Socket);
      const ids = ['i-0', 'i-1', 'i-2', 'i-3', 'i-4', 'i-5'];
      const op = fc.record({
        inserts: fc.uniqueArray(
          fc.record({
            id: fc.constantFrom(...ids),
            // (inserts at n > 0 can send the client's DOM patch into an endless reordering loop
            // in happy-dom, so they are not generated: append and prepend only)
            at: fc.constantFrom(-1, -1, 0),
            // (limits are not compared yet: the client applies them element by element while
            // morphdom walks the container, which this model follows only roughly)
            limit: fc.constant(null),
            updateOnly: version === 'plv12' ? fc.boolean() : fc.constant(false),
            text: fc.constantFrom('a', 'b', 'c'),
          }),
          { selector: (x) => x.id, maxLength: 3 },
        ),
        deletes: fc.subarray(ids, { maxLength: 2 }),
        reset: fc.boolean(),
        counter: fc.nat(9),
      });
      let n = 0;
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
          const el = document.createElement('div');
          el.id = `lv-${++n}`;
          el.setAttribute('data-phx-session', 'x');
          document.body.appendChild(el);
          const view = new View(el, liveSocket);
          view.channel.push = () => ({ receive: () => view.channel.push() });
          liveSocket.roots[view.id] = view;
          view.isConnected = () => true;
          const mine = new RenderedTree();
          try {
            ops.forEach((o, i) => {
              const entries = o.inserts.map((x) => ({ 0: x.id, 1: `${x.text}${i}` }));
              const stream: unknown[] = [
                '0',
                o.inserts.map((x) => [x.id, x.at, x.limit, ...(version === 'plv12' ? [x.updateOnly] : [])]),
                o.deletes,
              ];
              if (o.reset && i > 0) stream.push(true);
              const comp: Record<string, unknown> =
                format === 'k'
                  ? { k: { ...entries, kc: entries.length }, stream }
                  : { d: entries.map((e) => [e[0], e[1]]), stream };
              if (i === 0) comp.s = ['\n  <li id="', '">', '</li>'];
              const wire = JSON.parse(
                JSON.stringify(
                  i === 0
                    ? {
                        0: comp,
                        1: String(o.counter),
                        s: ['<ul id="list" phx-update="stream">', '</ul>\n<p>', '</p>'],
                      }
                    : { 0: comp, 1: String(o.counter) },
                ),
              );
              if (i === 0) {
                view.onJoin({
                  rendered: structuredClone(wire),
                  liveview_version: view.liveSocket.version?.(),
                });
                mine.reset(wire);
              } else {
                view.update(structuredClone(wire), []);
                mine.merge(wire);
              }
              expect(clean(mine.toHTML())).toBe(clean(el.innerHTML));
              compared++;
            });
          } finally {
            view.destroy?.();
            el.remove();
          }
        }),
        { numRuns: 150 },
      );
      console.log(`${version} streams: ${compared} steps compared with the client's DOM`);
    });
  }
});

describe('keyed comprehensions copied by number', () => {
  it('keeps keys a server sent beside 0 … kc − 1 through a merge, as the client’s clone does', () => {
    const row = (x: string) => ({ 0: x });
    const tree = new RenderedTree();
    const k = { 0: row('a'), 1: row('b'), kc: 2, 7: row('stray') };
    const kOf = () => (tree.tree as { 0: { k: Record<string, unknown> } })[0].k;
    tree.reset({ 0: { k, s: ['<i>', '</i>'] }, s: ['<p>', '</p>'] });
    const before = kOf();
    tree.merge({ 0: { k: { 1: { 0: 'B' }, kc: 2 } } });
    expect(kOf()).toEqual({ 0: row('a'), 1: row('B'), 7: row('stray'), kc: 2 });
    // Copy-on-write: the old entries are not touched, the unchanged one is shared.
    expect(before[1]).toEqual(row('b'));
    expect(kOf()[0]).toBe(before[0]);
  });
});
