/**
 * Reading Serialized values (see runtime-hook/protocol.ts): special values arrive as marker
 * objects `{ $hs: tag, … }` and user keys shaped like /^\$+hs$/ carry one extra '$'.
 * Everything here turns page data into plain strings; nothing here ever builds markup.
 */
import type { Serialized } from '../../../runtime-hook/protocol';

export type SObject = { [key: string]: Serialized };

export const isObject = (v: Serialized | undefined): v is SObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const isMarker = (v: Serialized | undefined): v is SObject & { $hs: string } =>
  isObject(v) && Object.hasOwn(v, '$hs') && typeof v.$hs === 'string';

/** The user's own key: `$$hs` on the wire is `$hs` in the app. */
export const userKey = (k: string): string => (/^\$\$+hs$/.test(k) ? k.slice(1) : k);

/** Key under which the serializer notes an object's keys past its item limit. */
export const MORE_KEY = '$hs$more';

/** How an object key reads: the user's key, or '…' for the serializer's "+N more" key. */
export const keyLabel = (k: string, v: Serialized | undefined): string =>
  k === MORE_KEY && isMarker(v) && v.$hs === 'more' ? '…' : userKey(k);

const str = (v: Serialized | undefined): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
const num = (v: Serialized | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The first of several possible field names that holds a string (serializer versions vary). */
const field = (m: SObject, ...names: string[]): string | undefined => {
  for (const n of names) {
    const s = str(m[n]);
    if (s !== undefined) return s;
  }
  return undefined;
};

/** How one marker reads in the panel: a one-line label and, when it has parts, children. */
export interface MarkerView {
  label: string;
  /** Children as [label, value]; labels are display text (Map keys are previews). */
  children?: [string, Serialized][];
  /** Styling hint for the label. */
  tone: 'special' | 'muted' | 'error' | 'string';
}

const listChildren = (v: Serialized | undefined): [string, Serialized][] | undefined =>
  Array.isArray(v) ? v.map((x, i) => [String(i), x] as [string, Serialized]) : undefined;

const objectChildren = (v: Serialized | undefined): [string, Serialized][] | undefined =>
  isObject(v) ? Object.keys(v).map((k) => [keyLabel(k, v[k]), v[k]] as [string, Serialized]) : undefined;

/** Other fields of an unknown marker, so nothing the page sent is hidden. */
const restChildren = (m: SObject, skip: string[]): [string, Serialized][] | undefined => {
  const out = Object.keys(m)
    .filter((k) => k !== '$hs' && !skip.includes(k))
    .map((k) => [userKey(k), m[k]] as [string, Serialized]);
  return out.length ? out : undefined;
};

function domLabel(m: SObject): string {
  const tag = (field(m, 'tag', 'tagName', 'nodeName', 'name') ?? 'node').toLowerCase();
  const id = field(m, 'id');
  const cls = field(m, 'className', 'class', 'classes');
  const classes = cls ? `.${cls.trim().split(/\s+/).join('.')}` : '';
  return `<${tag}${id ? `#${id}` : ''}${classes}…>`;
}

export function describeMarker(m: SObject & { $hs: string }): MarkerView {
  const tag = m.$hs.toLowerCase();
  switch (tag) {
    case 'undefined':
      return { label: 'undefined', tone: 'muted' };
    case 'nan':
      return { label: 'NaN', tone: 'special' };
    case 'infinity':
    case '+infinity':
      return { label: 'Infinity', tone: 'special' };
    case '-infinity':
      return { label: '-Infinity', tone: 'special' };
    case '-0':
    case 'negzero':
      return { label: '-0', tone: 'special' };
    case 'number':
      return { label: field(m, 'value', 'v') ?? 'number', tone: 'special' };
    case 'bigint':
      return { label: `${field(m, 'value', 'v') ?? '?'}n`, tone: 'special' };
    case 'date': {
      const v = field(m, 'iso', 'value', 'v', 'time');
      return { label: `Date(${v ?? 'Invalid Date'})`, tone: 'special' };
    }
    case 'regexp': {
      const src = field(m, 'source', 'value', 'v') ?? '';
      return { label: src.startsWith('/') ? src : `/${src}/${field(m, 'flags') ?? ''}`, tone: 'special' };
    }
    case 'symbol': {
      // The serializer sends String(symbol), i.e. already "Symbol(desc)".
      const v = field(m, 'v', 'description', 'name', 'value') ?? '';
      return { label: v.startsWith('Symbol(') ? v : `Symbol(${v})`, tone: 'special' };
    }
    case 'function':
      return { label: `ƒ ${field(m, 'name', 'value') || 'anonymous'}()`, tone: 'special' };
    case 'map': {
      const entries = Array.isArray(m.entries) ? m.entries : Array.isArray(m.value) ? m.value : [];
      const n = num(m.size) ?? entries.length;
      const children = entries.map((e, i): [string, Serialized] =>
        Array.isArray(e) && e.length === 2 ? [preview(e[0], 40), e[1]] : [String(i), e],
      );
      const more = num(m.more);
      if (more) children.push(['…', { $hs: 'more', count: more }]);
      return { label: `Map(${n})`, children, tone: 'special' };
    }
    case 'set': {
      const values = Array.isArray(m.values) ? m.values : Array.isArray(m.value) ? m.value : [];
      const children = listChildren(values) ?? [];
      const more = num(m.more);
      if (more) children.push(['…', { $hs: 'more', count: more }]);
      return { label: `Set(${num(m.size) ?? values.length})`, children, tone: 'special' };
    }
    case 'dom':
    case 'element':
    case 'node': {
      // The serializer sends the element's opening tag as text ('<div id="x">', '#text').
      const v = field(m, 'v', 'value');
      return { label: v ?? domLabel(m), tone: 'special' };
    }
    case 'truncated':
    case 'depth': {
      const why = field(m, 'reason', 'why') ?? 'depth';
      const cls = field(m, 'cls', 'type', 'className');
      const n = num(m.size);
      const what = [cls, n === undefined ? undefined : `${count(n)} items`].filter(Boolean).join(', ');
      return { label: `… truncated: ${why}${what ? ` (${what})` : ''}`, tone: 'muted' };
    }
    case 'string':
    case 'longstring':
    case 'long-string': {
      const head = field(m, 'value', 'head', 'prefix', 'v') ?? '';
      const n = num(m.length) ?? num(m.len) ?? num(m.size) ?? head.length;
      return { label: `${JSON.stringify(head)}… (${count(n)} chars)`, tone: 'string' };
    }
    case 'more': {
      const n = num(m.count) ?? num(m.n) ?? num(m.more) ?? num(m.value);
      return { label: `+${n === undefined ? '?' : count(n)} more`, tone: 'muted' };
    }
    case 'redacted':
      return { label: '[redacted]', tone: 'muted' };
    case 'thrown':
      return { label: `[thrown: ${field(m, 'message', 'error', 'value') ?? '?'}]`, tone: 'error' };
    case 'error': {
      const name = field(m, 'name') ?? 'Error';
      const msg = field(m, 'message');
      return {
        label: msg === undefined ? name : `${name}: ${msg}`,
        children: restChildren(m, ['name', 'message']),
        tone: 'error',
      };
    }
    case 'ref':
    case 'circular':
    case 'cycle':
      return { label: `↻ ${field(m, 'path', 'ref', 'to', 'value') ?? '$'}`, tone: 'muted' };
    case 'instance':
    case 'class':
    case 'object': {
      const name = field(m, 'cls', 'className', 'class', 'name', 'ctor') ?? 'Object';
      const body = m.v ?? m.value ?? m.props;
      const children = objectChildren(body) ?? listChildren(body);
      return { label: name, children, tone: 'special' };
    }
    case 'binary':
    case 'typedarray':
    case 'arraybuffer': {
      // Binary data comes with its first few numbers only.
      const name = field(m, 'cls', 'type', 'className') ?? 'ArrayBuffer';
      const values = m.v ?? m.values ?? m.value;
      const shown = Array.isArray(values) ? values.length : 0;
      const n = num(m.length) ?? num(m.byteLength) ?? shown;
      const children = listChildren(values);
      if (children && n > shown) children.push(['…', { $hs: 'more', count: n - shown }]);
      return { label: `${name}(${count(n)})`, children, tone: 'special' };
    }
    case 'promise':
    case 'weakmap':
    case 'weakset':
    case 'weakref':
      return {
        label: { promise: 'Promise', weakmap: 'WeakMap', weakset: 'WeakSet', weakref: 'WeakRef' }[tag] ?? tag,
        tone: 'special',
      };
    default:
      return { label: `${m.$hs}`, children: restChildren(m, []), tone: 'special' };
  }
}

const count = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : '?');

/** An identifier-like key prints bare; anything else is quoted. */
const keyText = (k: string): string => (k === '…' || /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));

/**
 * A one-line preview of a value, at most about `budget` characters (DevTools-style:
 * `{a: 1, b: […]}`). Strings are JSON-quoted so control characters stay visible.
 */
export function preview(v: Serialized | undefined, budget = 80): string {
  const out = { s: '' };
  write(v, budget, out, 0);
  return out.s.length > budget ? `${out.s.slice(0, Math.max(1, budget - 1))}…` : out.s;
}

function write(v: Serialized | undefined, budget: number, out: { s: string }, depth: number): void {
  if (out.s.length > budget) return;
  if (v === undefined) out.s += 'undefined';
  else if (v === null || typeof v === 'number' || typeof v === 'boolean') out.s += String(v);
  else if (typeof v === 'string') out.s += JSON.stringify(v.length > budget ? `${v.slice(0, budget)}…` : v);
  else if (isMarker(v)) out.s += describeMarker(v).label;
  else if (Array.isArray(v)) {
    if (depth > 1) {
      out.s += `Array(${v.length})`;
      return;
    }
    out.s += '[';
    for (let i = 0; i < v.length; i++) {
      if (out.s.length > budget) break;
      if (i) out.s += ', ';
      write(v[i], budget, out, depth + 1);
    }
    out.s += ']';
  } else {
    if (depth > 1) {
      out.s += '{…}';
      return;
    }
    out.s += '{';
    let first = true;
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (out.s.length > budget) break;
      out.s += `${first ? '' : ', '}${keyText(keyLabel(k, v[k]))}: `;
      first = false;
      write(v[k], budget, out, depth + 1);
    }
    out.s += '}';
  }
}

/**
 * Text to search a value by: keys and primitive values, space-separated, bounded by
 * `max` characters so one huge payload cannot make every search slow.
 */
export function searchText(v: Serialized | undefined, max = 8192): string {
  const parts: string[] = [];
  let len = 0;
  const stack: (Serialized | undefined)[] = [v];
  while (stack.length && len < max) {
    const x = stack.pop();
    if (x === undefined || x === null) continue;
    if (typeof x !== 'object') {
      const s = String(x);
      parts.push(s);
      len += s.length + 1;
    } else if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    } else if (isMarker(x)) {
      const s = describeMarker(x).label;
      parts.push(s);
      len += s.length + 1;
      for (const k of Object.keys(x)) if (k !== '$hs' && typeof x[k] === 'object') stack.push(x[k]);
    } else {
      const keys = Object.keys(x);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push(x[keys[i]]);
        stack.push(userKey(keys[i]));
      }
    }
  }
  const s = parts.join(' ');
  return s.length > max ? s.slice(0, max) : s;
}

/** Path segment text for display: `.key`, `["odd key"]`, `[3]`. */
export function pathText(path: readonly (string | number)[]): string {
  let s = '$';
  for (const p of path)
    s += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
  return s;
}
