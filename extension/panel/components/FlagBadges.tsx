/** Small badges for flags on a row; the full text (with thresholds) is in the tooltip. */
import { clip } from '../lib/format';
import type { Flag, FlagKind } from '../models/flags';

export const FLAG_LABEL: Record<FlagKind, string> = {
  'large-state': 'large',
  'slow-handler': 'slow',
  backlog: 'backlog',
};

export function FlagBadges({ flags, counts }: { flags: Flag[]; counts?: Map<string, number> }) {
  if (!flags.length) return null;
  const kinds = new Map<FlagKind, string[]>();
  for (const f of flags) {
    const list = kinds.get(f.kind);
    if (list) list.push(f.text);
    else kinds.set(f.kind, [f.text]);
  }
  return (
    <span class="badges">
      {[...kinds].map(([kind, texts]) => {
        const n = counts?.get(kind);
        return (
          <span
            key={kind}
            class={`badge badge-${kind}`}
            data-flag={kind}
            title={texts.map((t) => clip(t, 1000)).join('\n')}
          >
            {FLAG_LABEL[kind]}
            {n && n > 1 ? ` ×${n}` : ''}
          </span>
        );
      })}
    </span>
  );
}
