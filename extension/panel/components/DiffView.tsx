/**
 * A delta drawn as change lines: added (+), removed (−), changed (old → new), moved.
 * Values show as one-line previews; objects open into a tree on click.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Delta, Serialized } from '../../../runtime-hook/protocol';
import { type DiffLine, deltaLines } from '../lib/deltaLines';
import { pathText, preview } from '../lib/serialized';
import { StateTree } from './StateTree';

const SIGN: Record<DiffLine['op'], string> = {
  added: '+',
  removed: '−',
  changed: '~',
  moved: '↕',
  text: '≈',
};

export interface DiffViewProps {
  delta: Delta | undefined;
  /** 'recorded': the delta the page sent; 'computed': diffed here between two states. */
  source: 'recorded' | 'computed';
  fromStep: number;
  toStep: number;
}

export function DiffView({ delta, source, fromStep, toStep }: DiffViewProps) {
  const d = useMemo(() => deltaLines(delta), [delta]);
  return (
    <div class="diff" data-testid="diff-view">
      <div class="diff-head muted">
        step {fromStep} → {toStep} · {d.lines.length}
        {d.truncated ? '+' : ''} change{d.lines.length === 1 ? '' : 's'} ·{' '}
        {source === 'recorded' ? 'recorded delta' : 'computed'}
      </div>
      {d.lines.length === 0 && !d.malformed && <div class="muted">no changes</div>}
      {d.lines.map((l, i) => (
        <DiffRow key={i} line={l} />
      ))}
      {d.truncated && <div class="muted">… more changes not shown</div>}
      {d.malformed && (
        <div class="warn-text">part of this delta has an unexpected shape and is not shown</div>
      )}
    </div>
  );
}

type Side = 'old' | 'new';

/** One change on one line (values cut to fit); a container value opens as a tree below. */
function DiffRow({ line }: { line: DiffLine }) {
  const [open, setOpen] = useState<Side | null>(null);
  const toggle = (side: Side) => setOpen(open === side ? null : side);
  const value = (side: Side) => (side === 'old' ? line.old : line.new);
  return (
    <div class={`dl dl-${line.op}`} data-op={line.op}>
      <div class="dl-line">
        <span class="dl-sign">{SIGN[line.op]}</span>
        <span class="dl-path">{pathText(line.path)}</span>
        {line.op === 'moved' && <span class="dl-new">moved to index {line.to}</span>}
        {line.op === 'text' && <span class="dl-new">text patch: {preview(line.new, 120)}</span>}
        {(line.op === 'changed' || line.op === 'removed') && (
          <Val value={line.old} side="old" onOpen={toggle} />
        )}
        {line.op === 'changed' && <span class="dl-arrow">→</span>}
        {(line.op === 'changed' || line.op === 'added') && (
          <Val value={line.new} side="new" onOpen={toggle} />
        )}
      </div>
      {open && <StateTree value={value(open) ?? null} searchable={false} testId="diff-value-tree" />}
    </div>
  );
}

/** A value preview; a container is a button that opens it as a tree. */
function Val({
  value,
  side,
  onOpen,
}: {
  value: Serialized | undefined;
  side: Side;
  onOpen(side: Side): void;
}) {
  const cls = side === 'old' ? 'dl-val dl-old' : 'dl-val dl-new';
  if (typeof value !== 'object' || value === null) return <span class={cls}>{preview(value, 200)}</span>;
  return (
    <button type="button" class={`link ${cls}`} onClick={() => onOpen(side)} title="Show as a tree">
      {preview(value, 200)}
    </button>
  );
}
