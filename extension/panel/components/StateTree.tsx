/**
 * A Serialized value as an expandable tree. Only expanded nodes render their children;
 * long child lists come in ranges of 100; marker objects read as what they stand for
 * (Date(…), Map(3), ƒ name(), ↻ $.path, …). Search opens the paths to every match.
 * Page strings only ever become text nodes.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Serialized } from '../../../runtime-hook/protocol';
import { describeMarker, isMarker, preview } from '../lib/serialized';
import { childCount, childPath, childrenOf, ranges, searchTree, type TreeSearch } from '../lib/tree';

/** Strings longer than this are cut, with a button to show them whole. */
const LONG = 500;

interface Ctx {
  /** User's explicit open/closed choices by path (overrides defaults and search). */
  expanded: Map<string, boolean>;
  toggle(path: string, open: boolean): void;
  search: TreeSearch | null;
  /** Depth up to which nodes start open. */
  openDepth: number;
}

export interface StateTreeProps {
  value: Serialized;
  /** Show a search box. */
  searchable?: boolean;
  /** Levels open at first (root = 0). */
  openDepth?: number;
  testId?: string;
}

export function StateTree({
  value,
  searchable = true,
  openDepth = 1,
  testId = 'state-tree',
}: StateTreeProps) {
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<Map<string, boolean>>(() => new Map());
  const search = useMemo(() => (query.trim() ? searchTree(value, query) : null), [value, query]);
  const ctx: Ctx = {
    expanded,
    toggle: (path, open) => setExpanded((m) => new Map(m).set(path, open)),
    search,
    openDepth,
  };
  return (
    <div class="tree" data-testid={testId}>
      {searchable && (
        <div class="tree-search">
          <input
            type="search"
            class="tree-find"
            placeholder="Find in state…"
            value={query}
            onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
            aria-label="Find in state"
          />
          {search && (
            <span class="muted">
              {search.count === 0 ? 'no matches' : `${search.count}${search.capped ? '+' : ''} matches`}
            </span>
          )}
        </div>
      )}
      <TreeNode ctx={ctx} label={null} value={value} path="" depth={0} />
    </div>
  );
}

function isOpen(ctx: Ctx, path: string, depth: number): boolean {
  const own = ctx.expanded.get(path);
  if (own !== undefined) return own;
  if (ctx.search?.open.has(path)) return true;
  return depth < ctx.openDepth;
}

interface NodeProps {
  ctx: Ctx;
  label: string | null;
  value: Serialized;
  path: string;
  depth: number;
}

function TreeNode({ ctx, label, value, path, depth }: NodeProps) {
  const n = typeof value === 'object' && value !== null ? childCount(value) : 0;
  const open = n > 0 && isOpen(ctx, path, depth);
  const hit = ctx.search?.hits.has(path);
  return (
    <div class="tn">
      <div class={`tn-row${hit ? ' tn-hit' : ''}`} style={{ paddingLeft: `${depth * 12 + 2}px` }}>
        {n > 0 ? (
          <button
            type="button"
            class="tn-toggle"
            aria-expanded={open}
            onClick={() => ctx.toggle(path, !open)}
            title={open ? 'Collapse' : 'Expand'}
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span class="tn-toggle" />
        )}
        {label !== null && <span class="tn-key">{label}</span>}
        {label !== null && <span class="tn-colon">: </span>}
        <ValueLabel value={value} open={open} />
      </div>
      {open && <Children ctx={ctx} value={value} path={path} depth={depth + 1} lo={0} hi={n} />}
    </div>
  );
}

function Children({
  ctx,
  value,
  path,
  depth,
  lo,
  hi,
}: {
  ctx: Ctx;
  value: Serialized;
  path: string;
  depth: number;
  lo: number;
  hi: number;
}) {
  const groups = ranges(lo, hi);
  if (groups.length) {
    return (
      <>
        {groups.map(([a, b]) => (
          <RangeNode key={a} ctx={ctx} value={value} path={path} depth={depth} lo={a} hi={b} />
        ))}
      </>
    );
  }
  return (
    <>
      {childrenOf(value, lo, hi).map((c) => (
        <TreeNode
          key={c.key}
          ctx={ctx}
          label={c.label}
          value={c.value}
          path={childPath(path, c.key)}
          depth={depth}
        />
      ))}
    </>
  );
}

function RangeNode(props: {
  ctx: Ctx;
  value: Serialized;
  path: string;
  depth: number;
  lo: number;
  hi: number;
}) {
  const { ctx, path, depth, lo, hi } = props;
  const id = `${path}\u0001${lo}-${hi}`;
  let open = ctx.expanded.get(id);
  if (open === undefined) {
    const onPath = ctx.search?.open.get(path);
    open = false;
    if (onPath) for (const pos of onPath) if (pos >= lo && pos < hi) open = true;
  }
  return (
    <div class="tn">
      <div class="tn-row" style={{ paddingLeft: `${depth * 12 + 2}px` }}>
        <button type="button" class="tn-toggle" aria-expanded={open} onClick={() => ctx.toggle(id, !open)}>
          {open ? '▾' : '▸'}
        </button>
        <span class="tn-range">
          [{lo} … {hi - 1}]
        </span>
      </div>
      {open && <Children {...props} depth={depth + 1} />}
    </div>
  );
}

/** One value's own text: a primitive, a container summary, or a marker's label. */
export function ValueLabel({ value, open = false }: { value: Serialized | undefined; open?: boolean }) {
  const [whole, setWhole] = useState(false);
  if (value === undefined) return <span class="v-muted">undefined</span>;
  if (value === null) return <span class="v-null">null</span>;
  if (typeof value === 'string') {
    if (value.length <= LONG || whole) return <span class="v-string">{JSON.stringify(value)}</span>;
    return (
      <span class="v-string">
        {JSON.stringify(value.slice(0, LONG))}
        <button type="button" class="link" onClick={() => setWhole(true)} title="Show the whole string">
          … ({value.length.toLocaleString('en-US')} chars)
        </button>
      </span>
    );
  }
  if (typeof value === 'number') return <span class="v-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span class="v-bool">{String(value)}</span>;
  if (isMarker(value)) {
    const m = describeMarker(value);
    return <span class={`v-${m.tone}`}>{m.label}</span>;
  }
  // Open containers say what they are; closed ones preview their content.
  if (Array.isArray(value)) {
    return <span class="v-summary">{open ? `Array(${value.length})` : preview(value, 80)}</span>;
  }
  const n = Object.keys(value).length;
  return <span class="v-summary">{open ? `{${n} ${n === 1 ? 'key' : 'keys'}}` : preview(value, 80)}</span>;
}
