/**
 * Decoder fuzz: 100,000 random and mutated messages (fast-check) through the very code
 * every boundary of the extension runs — the content script's gate for window messages
 * (extension/gate.ts), the background's gates for content and panel Ports, the panel's
 * Port gate (extension/panel/receive.ts) into the real Sequencer and panel model
 * (SessionStore.apply, flags, filter, inspector), the hook's decoder for commands (and a real
 * Hook that carries them out), and session-file import.
 *
 * Mutated inputs start from a real recorded session: the real hook, driven like an app,
 * with its envelopes captured (hello, batches of every event type, commands), then broken
 * in every way a mutation can (fields deleted, retyped, swapped, set to odd values and
 * prototype keys, strings and JSON texts cut and mangled, events renumbered so the broken
 * ones reach the models).
 *
 * Proves: nothing throws (decoder_crashes = 0), nothing the models are handed makes them
 * fail internally (model_apply_errors = 0), and every input is accounted for at every
 * gate: accepted, or refused and counted where the panel shows it (decoder_bad_counted),
 * or by design not ours (untagged window messages) — decoder_silent_losses = 0.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeFromContent, judgeFromPanel, judgePageMessage } from '../../extension/gate';
import type { SessionInfo } from '../../extension/panel/link-types';
import { createPanelModel, type PanelModel } from '../../extension/panel/models/panel';
import { importSession } from '../../extension/panel/models/transfer';
import { type PanelRoute, routeToPanel } from '../../extension/panel/receive';
import { type Clock, Sequencer } from '../../extension/panel/sequencer';
import { Hook } from '../../runtime-hook/hook';
import {
  type Command,
  decodeBatchBody,
  decodeExtEnvelope,
  decodeToContent,
  EXT_SOURCE,
  type HookEvent,
  PROTOCOL_VERSION,
} from '../../runtime-hook/protocol';
import { pageHook } from '../support/page-hook';
import { mustBeZero, recordReliability } from './lib/figures';

/** Total inputs (env HINDSIGHT_FUZZ_RUNS to change), spread over the paths below. */
const TOTAL = Number(process.env.HINDSIGHT_FUZZ_RUNS ?? 100_000);
const SEED = Number(process.env.HINDSIGHT_FUZZ_SEED ?? 20_240_601);
const share = (fraction: number) => Math.max(1, Math.round(TOTAL * fraction));

// --- a real recorded session, as seeds ------------------------------------------------------

interface Seeds {
  /** Window envelopes the hook posted (hello and batches). */
  page: Record<string, unknown>[];
  /** What the content script sends up for them (ToPanel / FromContent). */
  toPanel: Record<string, unknown>[];
  /** Decoded events, in order. */
  events: HookEvent[];
  /** Panel → background command messages. */
  fromPanel: Record<string, unknown>[];
  /** Background → content messages and content → page envelopes. */
  toContent: Record<string, unknown>[];
  toPage: Record<string, unknown>[];
  session: SessionInfo;
}

function recordSeeds(): Seeds {
  const page: Record<string, unknown>[] = [];
  const { hook, send } = pageHook((m) => page.push(JSON.parse(JSON.stringify(m))));

  let cart: { items: { id: number; name: string }[]; total: number; at: Date } = {
    items: [],
    total: 0,
    at: new Date(0),
  };
  const store = hook.process({
    name: 'cart',
    kind: 'store',
    getState: () => cart,
    setState: (s) => {
      cart = s as typeof cart;
    },
    replay: () => undefined,
  });
  const child = hook.process({
    name: 'cart-item',
    kind: 'component',
    parent: store,
    getState: () => ({ open: true }),
  });
  let lv: unknown = { rendered: { s: ['<p>', '</p>'], 0: 'hello' }, title: 'LV' };
  const view = hook.process({ name: 'LiveView #main', kind: 'liveview', preview: true, getState: () => lv });
  for (let i = 1; i <= 6; i++) {
    const m = store.queue('add', { id: i, tags: new Set(['a']), big: 10n ** BigInt(i) });
    m.start();
    cart = { ...cart, items: [...cart.items, { id: i, name: `item ${i}` }], total: cart.total + i };
    store.step({ name: 'push', payload: { id: i } }, undefined, m);
    m.done(i === 3 ? new Error('boom') : undefined);
  }
  const e = view.queue('event', { type: 'click', event: 'inc' }, 'event');
  e.start();
  lv = { rendered: { s: ['<p>', '</p>'], 0: 'world' }, title: 'LV 2' };
  view.step(undefined, undefined, e);
  e.done();
  child.status('crashed', 'render failed');
  hook.notice('a notice', 'warn');
  send({ type: 'jump', pid: store.pid, step: 1, state: { items: [], total: 0 } });
  send({ type: 'present', pid: store.pid });
  send({ type: 'pause' });
  send({ type: 'resume' });
  send({ type: 'ack', seq: hook.lastSeq });

  const toPanel: Record<string, unknown>[] = [];
  const events: HookEvent[] = [];
  let session: SessionInfo | undefined;
  for (const env of page) {
    const { source: _s, v: _v, ...rest } = env;
    toPanel.push(rest);
    if (env.kind === 'hello' && !session)
      session = {
        session: String(env.session),
        hook: String(env.hook),
        url: String(env.url),
        startedAt: Number(env.startedAt),
      };
    if (env.kind === 'batch') events.push(...decodeBatchBody(String(env.body)).events);
  }
  // A rebase, as the page sends when its history no longer reaches back.
  const procs = events.filter((x) => x.type === 'process');
  const last = events.at(-1)?.seq ?? 0;
  events.push({
    type: 'rebase',
    seq: last + 1,
    t: 1,
    dropped: 3,
    processes: procs.map(({ seq: _a, t: _b, type: _c, ...p }) => p),
    bases: [{ pid: store.pid, step: 6, full: { items: [], total: 0 }, stats: { size: 20 } }],
  });
  toPanel.push({ kind: 'dropped', where: 'content', reason: 'malformed envelope', count: 2 });
  toPanel.push({ kind: 'page-gone' });
  const cmds: Command[] = [
    { type: 'sync', since: 3 },
    { type: 'ack', seq: 9 },
    { type: 'jump', pid: 'p1', step: 2, state: { items: [{ id: 1 }], total: 1 } },
    { type: 'present', pid: 'p1' },
    {
      type: 'replay',
      pid: 'p1',
      state: { items: [] },
      messages: [{ name: 'add', kind: 'action', payload: { id: 1 } }],
      intervalMs: 10,
    },
    { type: 'replay-stop', pid: 'p1' },
    { type: 'toggle', pid: 'p1', mid: 2 },
    { type: 'store-op', pid: 'p1', op: 'commit' },
    { type: 'pause' },
    { type: 'resume' },
  ];
  const fromPanel = cmds.map((cmd) => ({ kind: 'command', session: hook.session, cmd }));
  const toContent = [{ kind: 'panel', connected: true }, ...fromPanel];
  const toPage = [
    { source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'connect' },
    ...fromPanel.map((m) => ({ source: EXT_SOURCE, v: PROTOCOL_VERSION, ...m })),
  ];
  if (!session) throw new Error('the hook sent no hello');
  return { page, toPanel, events, fromPanel, toContent, toPage, session };
}

// --- mutations ----------------------------------------------------------------------------

type Json = unknown;
type Path = (string | number)[];

const INTERESTING: unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2 ** 53,
  Number.MAX_VALUE,
  '',
  'x'.repeat(70_000),
  '__proto__',
  'constructor',
  [],
  {},
  [[]],
  { $hs: 'string', v: 'x', length: 9 },
  { $hs: 'ref', path: '$' },
  { $hs: 'thrown' },
  { $hs: 'map', entries: 'nope' },
  { toString: 1, valueOf: null },
  '<script>alert(1)</script>',
  '\u202E\u0000\uD800',
  [
    'process',
    'status',
    'queued',
    'started',
    'done',
    'step',
    'travel',
    'replay',
    'notice',
    'recording',
    'rebase',
  ],
];
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'seq',
  'type',
  'pid',
  'mid',
  'step',
  'full',
  'delta',
  'kind',
  'v',
  'source',
  'session',
  'first',
  'count',
  'body',
  'cmd',
];
const TYPES = [
  'process',
  'status',
  'queued',
  'started',
  'done',
  'step',
  'travel',
  'replay',
  'notice',
  'recording',
  'rebase',
  'hello',
  'batch',
  'dropped',
  'page-gone',
  'command',
  'panel',
  'sync',
  'ack',
  'jump',
  'present',
  'toggle',
  'store-op',
];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function pathsOf(v: Json, limit = 300): Path[] {
  const out: Path[] = [[]];
  const walk = (x: Json, p: Path) => {
    if (out.length >= limit || !isObj(x)) return;
    for (const k of Object.keys(x)) {
      const q = [...p, Array.isArray(x) ? Number(k) : k];
      out.push(q);
      walk((x as Record<string, Json>)[k], q);
    }
  };
  walk(v, []);
  return out;
}

function get(v: Json, p: Path): Json {
  let x = v;
  for (const k of p) x = isObj(x) ? (x as Record<string | number, Json>)[k] : undefined;
  return x;
}

function set(v: Json, p: Path, value: Json, remove = false): Json {
  if (p.length === 0) return value;
  const parent = get(v, p.slice(0, -1));
  if (!isObj(parent)) return v;
  const k = p[p.length - 1];
  // Named keys on arrays (a `constructor`, say) only break the test's own array methods.
  if (Array.isArray(parent) && typeof k !== 'number') return v;
  if (remove) {
    if (Array.isArray(parent) && typeof k === 'number') parent.splice(k, 1);
    else delete (parent as Record<string, Json>)[k];
  } else {
    Object.defineProperty(parent, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return v;
}

const text = (x: unknown): string => {
  try {
    return String(x);
  } catch {
    return '[unprintable]';
  }
};

function mangle(s: string, n: number): string {
  if (s.length === 0) return String.fromCharCode(n % 0x10000);
  const at = n % s.length;
  switch (n % 6) {
    case 0:
      return s.slice(0, at);
    case 1:
      return s.slice(0, at) + s.slice(at + 1);
    case 2:
      return `${s.slice(0, at)}${'{}[]",:\\0'[n % 10]}${s.slice(at)}`;
    case 3:
      return s + s;
    case 4:
      return `${s.slice(0, at)}\uD800${s.slice(at)}`;
    default:
      return s.toUpperCase();
  }
}

type Op = [number, number, number, unknown];

/** Apply `ops` to a deep copy of `seed`. Deterministic in its inputs (fast-check can shrink them). */
function mutate(seed: Json, ops: Op[]): Json {
  let v: Json = structuredClone(seed);
  for (const [pick, kind, n, random] of ops) {
    const paths = pathsOf(v);
    const p = paths[pick % paths.length];
    const cur = get(v, p);
    switch (kind % 10) {
      case 0:
        v = set(v, p, undefined, true);
        break;
      case 1:
        v = set(v, p, random);
        break;
      case 2:
        v = set(v, p, structuredClone(INTERESTING[n % INTERESTING.length]));
        break;
      case 3:
        v = set(v, p, typeof cur === 'string' ? mangle(cur, n) : text(cur));
        break;
      case 4:
        v = set(v, p, typeof cur === 'number' ? [cur + 1, -cur, cur * 1e9, cur + 0.5, 0][n % 5] : n);
        break;
      case 5:
        v = set(v, p, Array.isArray(cur) ? { ...cur } : isObj(cur) ? Object.values(cur) : [cur]);
        break;
      case 6:
        if (isObj(cur)) v = set(v, [...p, KEYS[n % KEYS.length]], random);
        break;
      case 7:
        if (isObj(cur)) v = set(v, [...p, 'type'], TYPES[n % TYPES.length]);
        else v = set(v, p, TYPES[n % TYPES.length]);
        break;
      case 8: {
        const other = paths[n % paths.length];
        v = set(v, p, structuredClone(get(v, other)) ?? null);
        break;
      }
      default:
        if (isObj(cur)) v = set(v, [...p, 'kind'], TYPES[n % TYPES.length]);
        else v = set(v, p, [cur, cur]);
    }
  }
  return v;
}

const opArb: fc.Arbitrary<Op> = fc.tuple(
  fc.nat(),
  fc.nat(),
  fc.nat(),
  fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
);
const opsArb = fc.array(opArb, { minLength: 1, maxLength: 4 });
const randomArb = fc.anything({
  maxDepth: 3,
  maxKeys: 6,
  withBigInt: false,
  withMap: false,
  withSet: false,
  withTypedArray: false,
  withDate: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
});

// --- the panel pipeline under test ----------------------------------------------------------

class ManualClock implements Clock {
  t = 1_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.timers[0];
      if (!first || first.at > end) break;
      this.timers.shift();
      this.t = first.at;
      first.fn();
    }
    this.t = end;
  }
}

/** Counts shared by every path: what was tried, accepted, counted, ignored by design, lost. */
const tally = {
  tried: 0,
  accepted: 0,
  counted: 0,
  ignoredByDesign: 0,
  silentLosses: 0,
  crashes: 0,
  deferred: 0,
  applyErrors: 0,
  importThrows: 0,
  /** Events the panel's Sequencer handed to the models (mutated ones that still decode). */
  eventsApplied: 0,
  derivedChecks: 0,
  byPath: {} as Record<string, { tried: number; accepted: number; counted: number; ignored: number }>,
};
const firstCrashes: string[] = [];
const importThrowSample: string[] = [];

function path(name: string) {
  tally.byPath[name] ??= { tried: 0, accepted: 0, counted: 0, ignored: 0 };
  return tally.byPath[name];
}

/** Run one input; a throw is a crash (counted, then rethrown so fast-check shrinks it). */
function guarded(name: string, fn: () => void): void {
  tally.tried++;
  path(name).tried++;
  try {
    fn();
  } catch (e) {
    tally.crashes++;
    if (firstCrashes.length < 5)
      firstCrashes.push(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    throw e;
  }
}

function outcome(name: string, o: 'accepted' | 'counted' | 'ignored'): void {
  const p = path(name);
  if (o === 'accepted') {
    tally.accepted++;
    p.accepted++;
  } else if (o === 'counted') {
    tally.counted++;
    p.counted++;
  } else {
    tally.ignoredByDesign++;
    p.ignored++;
  }
}

/** The panel as main.tsx builds it: the Sequencer and the model behind the Port gate. */
class PanelUnderTest {
  readonly clock = new ManualClock();
  readonly model: PanelModel = createPanelModel();
  readonly commands: Command[] = [];
  dropped = 0;
  ignored = 0;
  delivered = 0;
  readonly seq: Sequencer;
  readonly route: PanelRoute;

  constructor() {
    const h = this.model.handlers;
    this.seq = new Sequencer(
      {
        session: (i) => h.session(i),
        events: (evs) => {
          this.delivered += evs.length;
          const store = this.model.live.value;
          const before = sumOdd(store);
          h.events(evs);
          tally.applyErrors += sumOdd(store) - before;
        },
        dropped: (d) => {
          this.dropped += d.count;
          h.dropped(d);
        },
        ignored: (d) => {
          this.ignored += d.count;
          h.dropped({ where: 'panel', reason: d.reason, count: d.count });
        },
        command: (_s, cmd) => this.commands.push(cmd),
      },
      { clock: this.clock },
    );
    this.route = {
      hello: (info) => this.seq.hello(info),
      batch: (b) => this.seq.batch(b),
      dropped: (d) => {
        this.dropped += d.count;
        h.dropped(d);
      },
      gone: () => h.status('disconnected'),
    };
  }

  /** Read what the components read: flags, filter, travel, an inspection. */
  derived(pick: number): void {
    const m = this.model;
    void m.flagGroups.value;
    void m.travelling.value;
    void m.filter.result.value;
    const t = m.live.value.timeline;
    if (t.length) {
      m.select(t.at(t.first + (pick % t.length))!.seq);
      void m.inspection.value;
    }
    tally.derivedChecks++;
  }
}

/** Events SessionStore.apply caught an exception on (it counts them as oddities, "could not apply …"). */
const sumOdd = (s: { oddities: Map<string, number> }) => {
  let n = 0;
  for (const [k, v] of s.oddities) if (k.startsWith('could not apply')) n += v;
  return n;
};

// --- the properties -------------------------------------------------------------------------

const seeds = recordSeeds();
const runs = (n: number) => ({ numRuns: n, seed: SEED, endOnFailure: true });
const started = Date.now();

describe('decoder fuzz', () => {
  afterAll(() => {
    const losses = tally.silentLosses;
    recordReliability(
      'decoder-fuzz',
      [
        {
          name: 'decoder_inputs_tried',
          value: tally.tried,
          unit: 'count',
          target: { min: 100_000 },
          note: `random + mutated messages through every gate (seed ${SEED}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
          detail: { byPath: tally.byPath },
        },
        {
          name: 'decoder_crashes',
          value: tally.crashes,
          unit: 'count',
          target: mustBeZero,
          note: 'throws from any gate, the sequencer or the models',
          detail: { firstCrashes },
        },
        {
          name: 'decoder_bad_counted',
          value: tally.counted,
          unit: 'count',
          note: `refused and counted (drops, ignored, import errors); accepted ${tally.accepted}, not ours by design ${tally.ignoredByDesign}, gaps resynced ${tally.deferred}`,
        },
        {
          name: 'decoder_silent_losses',
          value: losses,
          unit: 'count',
          target: mustBeZero,
          note: 'inputs neither accepted nor counted',
        },
        {
          name: 'session_import_throws',
          value: tally.importThrows,
          unit: 'count',
          target: mustBeZero,
          note: 'importSession threw instead of answering with an error (the toolbar would still catch it); see detail',
          detail: { importThrowSample },
        },
        {
          name: 'model_apply_errors',
          value: tally.applyErrors,
          unit: 'count',
          target: mustBeZero,
          note: `events the panel model failed on internally, of ${tally.eventsApplied} applied; derived views read ${tally.derivedChecks} times`,
        },
      ],
      { fuzzSeed: SEED },
    );
  });

  it('the content script gate: random and mutated window messages, from the page and from frames', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: randomArb },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.nat(), opsArb)
              .map(([i, ops]) => mutate(seeds.page[i % seeds.page.length], ops)),
          },
        ),
        fc.boolean(),
        (data, fromPage) => {
          guarded('page → content', () => {
            const v = judgePageMessage(data, fromPage);
            outcome('page → content', 'accept' in v ? 'accepted' : 'drop' in v ? 'counted' : 'ignored');
            if ('ignore' in v && isObj(data) && (data as { source?: unknown }).source === 'hindsight-page')
              tally.silentLosses++;
            if ('accept' in v && !fromPage) tally.silentLosses++;
          });
        },
      ),
      runs(share(0.2)),
    );
  });

  it('the background gates: random and mutated Port messages from content scripts and panels', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: randomArb },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.nat(), opsArb)
              .map(([i, ops]) => mutate(seeds.toPanel[i % seeds.toPanel.length], ops)),
          },
        ),
        fc.oneof(
          { weight: 1, arbitrary: randomArb },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.nat(), opsArb)
              .map(([i, ops]) => mutate(seeds.fromPanel[i % seeds.fromPanel.length], ops)),
          },
        ),
        (fromContent, fromPanel) => {
          guarded('content → background', () => {
            const v = judgeFromContent(fromContent);
            outcome('content → background', 'accept' in v ? 'accepted' : 'counted');
          });
          guarded('panel → background', () => {
            const v = judgeFromPanel(fromPanel);
            outcome('panel → background', 'accept' in v ? 'accepted' : 'counted');
          });
        },
      ),
      runs(share(0.1)),
    );
  });

  it('commands on their way to the page: content script and hook decoders, and a real hook', () => {
    let listener: ((d: unknown) => void) | undefined;
    const hook = new Hook({
      transport: {
        post: () => {},
        listen: (cb) => {
          listener = cb;
        },
      },
    });
    listener?.({ source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'connect' });
    let state: unknown = { n: 0 };
    hook.process({
      name: 'store',
      getState: () => state,
      setState: (s) => (state = s),
      replay: () => undefined,
    });
    const withSession = (m: unknown) =>
      isObj(m) && typeof m.session === 'string' ? { ...m, session: hook.session } : m;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: randomArb },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.nat(), opsArb)
              .map(([i, ops]) => mutate(seeds.toContent[i % seeds.toContent.length], ops)),
          },
        ),
        fc.oneof(
          { weight: 1, arbitrary: randomArb },
          {
            weight: 4,
            arbitrary: fc
              .tuple(fc.nat(), opsArb)
              .map(([i, ops]) => withSession(mutate(seeds.toPage[i % seeds.toPage.length], ops))),
          },
        ),
        (toContent, toPage) => {
          guarded('background → content', () => {
            // From our own background: the content script drops what does not decode, uncounted.
            outcome('background → content', decodeToContent(toContent) ? 'accepted' : 'ignored');
          });
          guarded('content → hook', () => {
            const env = decodeExtEnvelope(toPage);
            // Refused commands for its own session are counted by the hook (rejectedCommands).
            const before = hook.rejectedCommands;
            listener?.(toPage);
            if (env) outcome('content → hook', 'accepted');
            else if (hook.rejectedCommands > before) outcome('content → hook', 'counted');
            else outcome('content → hook', 'ignored');
          });
        },
      ),
      runs(share(0.1)),
    );
  });

  it('the panel: Port gate, sequencer and models, with mutated envelopes and mutated events renumbered to land', () => {
    const panel = new PanelUnderTest();
    panel.route.hello(seeds.session);
    const renumber = (events: unknown[], first: number) =>
      Array.from(events, (e, k) => (isObj(e) && !Array.isArray(e) ? { ...e, seq: first + k } : e));
    const batchOf = (events: unknown[], first: number, session = seeds.session.session) => ({
      kind: 'batch',
      session,
      first,
      count: Math.max(1, events.length),
      body: JSON.stringify(events),
    });
    let n = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: randomArb.map((x) => ({ mode: 'raw' as const, msg: x })) },
          {
            weight: 2,
            arbitrary: fc.tuple(fc.nat(), opsArb).map(([i, ops]) => ({
              mode: 'raw' as const,
              msg: mutate(seeds.toPanel[i % seeds.toPanel.length], ops),
            })),
          },
          {
            weight: 5,
            arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 6 }), opsArb).map(([i, len, ops]) => ({
              mode: 'events' as const,
              events: mutate(
                Array.from({ length: len }, (_, k) => seeds.events[(i + k) % seeds.events.length]),
                ops,
              ) as unknown,
            })),
          },
        ),
        fc.nat(),
        (input, pick) => {
          guarded('background → panel', () => {
            const before = {
              d: panel.dropped,
              i: panel.ignored,
              del: panel.delivered,
              c: panel.commands.length,
            };
            let msg: unknown;
            if (input.mode === 'raw') msg = input.msg;
            else {
              const list = Array.isArray(input.events) ? input.events : [input.events];
              const first = panel.seq.lastSeq + 1;
              msg = batchOf(renumber(list, first), first, panel.seq.session ?? seeds.session.session);
            }
            const sessionBefore = panel.seq.session;
            const kind = routeToPanel(msg, panel.route);
            if (kind === null) outcome('background → panel', 'counted');
            else if (kind === 'batch') {
              const b = msg as { first: number; count: number; session: string };
              const changed =
                panel.dropped - before.d + panel.ignored - before.i + panel.delivered - before.del;
              if (panel.dropped > before.d || panel.ignored > before.i)
                outcome('background → panel', 'counted');
              else if (changed > 0) outcome('background → panel', 'accepted');
              else if (b.session === sessionBefore && b.first > (panel.seq.lastSeq || 0) + 1) {
                // A gap: nothing delivered yet, the page is asked to resend (now or on a timer).
                tally.deferred++;
                outcome('background → panel', 'ignored');
              } else tally.silentLosses++;
            } else outcome('background → panel', 'accepted');
            // A different session resets the models (a page reload): start a fresh panel now
            // and then, so mutated events keep landing on live processes.
            if (++n % 2000 === 0) {
              panel.route.hello(seeds.session);
              const first = panel.seq.lastSeq + 1;
              panel.route.batch(batchOf(renumber(seeds.events.slice(0, 20), first), first));
            }
            if (n % 25 === 0) panel.derived(pick);
            panel.clock.advance(pick % 400);
          });
        },
      ),
      runs(share(0.5)),
    );
    tally.eventsApplied = panel.delivered;
    // The models took the mutated events: processes, messages and steps exist.
    expect(panel.model.live.value.timeline.length).toBeGreaterThan(0);
    expect(panel.delivered).toBeGreaterThan(1000);
  });

  it('session files: mutated exports import as view-only sessions or are refused with a reason', () => {
    const file = {
      format: 'hindsight-session',
      version: 1,
      protocol: PROTOCOL_VERSION,
      exportedAt: 1,
      session: seeds.session,
      events: seeds.events,
    };
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 1, arbitrary: randomArb.map((x) => JSON.stringify(x) ?? 'undefined') },
          { weight: 4, arbitrary: opsArb.map((ops) => JSON.stringify(mutate(file, ops)) ?? '') },
          {
            weight: 1,
            arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => mangle(JSON.stringify(file), a * 7 + b)),
          },
        ),
        (text) => {
          guarded('session file import', () => {
            let r: ReturnType<typeof importSession>;
            try {
              r = importSession(text);
            } catch (e) {
              // The panel's import (Toolbar → model.importText) catches this and says "import
              // failed", so the panel survives; importSession itself should not throw (reported).
              tally.importThrows++;
              if (importThrowSample.length < 3)
                importThrowSample.push(`${String(e)} on ${text.slice(0, 300)}`);
              outcome('session file import', 'counted');
              return;
            }
            if (!r.store) outcome('session file import', 'counted');
            else {
              if (r.bad > 0) outcome('session file import', 'counted');
              else outcome('session file import', 'accepted');
              tally.applyErrors += sumOdd(r.store);
            }
          });
        },
      ),
      runs(share(0.1)),
    );
  });

  it('accounts for every input', () => {
    expect(firstCrashes).toEqual([]);
    expect(tally.crashes).toBe(0);
    expect(tally.silentLosses).toBe(0);
    expect(tally.applyErrors).toBe(0);
    expect(tally.importThrows).toBe(0);
    expect(tally.tried).toBeGreaterThanOrEqual(TOTAL);
    expect(tally.counted).toBeGreaterThan(0);
  });
});
