/**
 * DOM helpers for LiveView tests. Each function is self-contained (no imports, no outer
 * variables) so Playwright can ship it into the page with `page.evaluate(fn, arg)`, and
 * happy-dom unit tests call it directly.
 */

/**
 * Do what a user did to make the client push `payload` (a recorded `event` push) in the
 * LiveView `rootId`: click the `phx-click` element with the same phx-value-* and target, or
 * fill the form fields and fire `input` (phx-change) or `submit` (phx-submit). Hook events
 * are started by clicking `hookButtons[event]`. Returns what it did, or null if nothing
 * in the page could send it.
 */
export function driveEvent(arg: {
  rootId: string;
  payload: Record<string, unknown>;
  hookButtons?: Record<string, string>;
}): string | null {
  const { rootId, payload, hookButtons = {} } = arg;
  const root = document.getElementById(rootId);
  if (!root) return null;
  const event = String(payload.event);
  const cid = payload.cid;
  const cssStr = (s: string) => JSON.stringify(s);
  // Elements of this LiveView only (not of a nested one).
  const own = (sel: string) =>
    Array.from(root.querySelectorAll<HTMLElement>(sel)).filter(
      (el) => el.parentElement?.closest('[data-phx-session]') === root,
    );
  if (payload.type === 'hook') {
    const sel = hookButtons[event];
    const b = sel ? root.querySelector<HTMLElement>(sel) : null;
    if (!b) return null;
    b.click();
    return `hook ${event} via ${sel}`;
  }
  if (payload.type === 'click') {
    const value = (payload.value ?? {}) as Record<string, unknown>;
    const candidates = own(`[phx-click=${cssStr(event)}]`).filter((el) => {
      if (cid !== undefined && el.getAttribute('phx-target') !== String(cid)) return false;
      if (cid === undefined && /^\d+$/.test(el.getAttribute('phx-target') ?? '')) return false;
      for (const [k, v] of Object.entries(value)) {
        if (k === 'value') continue;
        if (el.getAttribute(`phx-value-${k}`) !== String(v)) return false;
      }
      return true;
    });
    if (!candidates.length) return null;
    candidates[0].click();
    return `click ${event}`;
  }
  if (payload.type === 'form') {
    const meta = (payload.meta ?? {}) as Record<string, unknown>;
    const data = new URLSearchParams(String(payload.value ?? ''));
    // 1.0+ sends the changed field in meta._target, 0.20 in the form data.
    const changed = typeof meta._target === 'string' ? meta._target : data.get('_target');
    const change = typeof changed === 'string';
    const form = own(`form[${change ? 'phx-change' : 'phx-submit'}=${cssStr(event)}]`)[0] as
      | HTMLFormElement
      | undefined;
    if (!form) return null;
    for (const [k, v] of data) {
      const input = form.querySelector<HTMLInputElement>(`[name=${cssStr(k)}]`);
      if (input && input.value !== v) input.value = v;
    }
    if (change) {
      const target = form.querySelector<HTMLElement>(`[name=${cssStr(String(changed))}]`);
      (target ?? form).dispatchEvent(new Event('input', { bubbles: true }));
      return `change ${event} (${String(changed)})`;
    }
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    return `submit ${event}`;
  }
  return null;
}

/**
 * HTML as the client keeps it and as Hindsight rebuilds it, made comparable: both go
 * through the same DOM parser, then what only the client adds is removed: its own
 * attributes (data-phx-*, phx-page-loading, phx-* classes such as phx-click-loading), and
 * the inside of nested LiveViews (their own processes) and of phx-update="ignore"
 * elements (owned by the page's scripts).
 */
export function normalizeLiveHTML(html: string): string {
  const t = document.createElement('template');
  t.innerHTML = html;
  const all = Array.from(t.content.querySelectorAll('*'));
  for (const el of all) {
    if (el.hasAttribute('data-phx-session') || el.getAttribute('phx-update') === 'ignore') el.innerHTML = '';
  }
  for (const el of Array.from(t.content.querySelectorAll('*'))) {
    for (const a of Array.from(el.attributes)) {
      if (a.name.startsWith('data-phx-') || a.name === 'phx-page-loading') el.removeAttribute(a.name);
    }
    if (el.hasAttribute('class')) {
      const cls = Array.from(el.classList).filter((c) => !/^phx-/.test(c));
      if (cls.length) el.setAttribute('class', cls.join(' '));
      else el.removeAttribute('class');
    }
  }
  return t.innerHTML.trim();
}
