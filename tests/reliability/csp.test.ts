/**
 * The extension's own lock-down, checked on the source manifest and on the built extension
 * for both browsers (run `npm run build` first):
 *
 * - CSP for extension pages: scripts only from the extension ('self'; no 'unsafe-eval',
 *   'unsafe-inline', 'wasm-unsafe-eval', hashes, nonces or hosts), no plugins, no frames
 *   (the LiveView preview is a srcdoc iframe, which this allows, while any navigation of it
 *   to a URL is refused), no <base>, no form submissions.
 * - No code in the built extension evaluates strings or writes HTML: no eval, new Function,
 *   string timers, innerHTML/outerHTML assignments of values, insertAdjacentHTML or
 *   document.write; HTML pages have no inline scripts or inline event handlers.
 * - Permissions: exactly the allowlist below, each justified in the README's Permissions
 *   section; no host permissions, no web-accessible resources, nothing externally connectable.
 * - `web-ext lint` of the Firefox build: no errors, warnings or notices.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CHROME_DIST } from '../e2e/harness/chromium';
import { FIREFOX_DIST } from '../e2e/harness/firefox';
import { REPO_ROOT } from '../support/figures';
import { mustBeZero, recordReliability } from './lib/figures';

/** Every permission the extension asks for, and where the README must justify it. */
const PERMISSIONS = ['storage'];
const CONTENT_MATCHES = ['http://*/*', 'https://*/*'];

type Manifest = {
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  optional_host_permissions?: string[];
  web_accessible_resources?: unknown;
  externally_connectable?: unknown;
  sandbox?: unknown;
  content_scripts?: { matches: string[]; all_frames?: boolean }[];
  content_security_policy?: { extension_pages?: string; sandbox?: string };
};

const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Manifest;

function directives(csp: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) m.set(name.toLowerCase(), values);
  }
  return m;
}

/** What in a CSP would let page data become code or load from elsewhere. */
function cspProblems(csp: string | undefined): string[] {
  if (!csp) return ['no extension_pages CSP'];
  const d = directives(csp);
  const problems: string[] = [];
  for (const [name, values] of d)
    for (const v of values)
      if (
        /^'(unsafe-|wasm-unsafe-eval|nonce-|sha\d+-|strict-dynamic)/.test(v) ||
        /^(\*|https?:|data:|blob:)/.test(v)
      )
        problems.push(`${name} ${v}`);
  const want: Record<string, string> = {
    'script-src': "'self'",
    'object-src': "'none'",
    'frame-src': "'none'",
    'base-uri': "'none'",
    'form-action': "'none'",
  };
  for (const [name, value] of Object.entries(want))
    if ((d.get(name) ?? []).join(' ') !== value) problems.push(`${name} is not ${value}`);
  return problems;
}

function filesOf(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesOf(p));
    else out.push(p);
  }
  return out;
}

const EVAL_PATTERNS: [string, RegExp][] = [
  ['eval(', /(^|[^\w$.])eval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['Function(string)', /(^|[^\w$.])Function\s*\(\s*['"`]/],
  ['string timer', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
  ['innerHTML/outerHTML =', /\.(inner|outer)HTML\s*=(?!=)\s*(?![`'"]{2})/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\s*\(/],
  ['document.write', /\bdocument\.write(ln)?\s*\(/],
  ['createContextualFragment', /\bcreateContextualFragment\s*\(/],
];

function codeProblems(dir: string): string[] {
  const problems: string[] = [];
  for (const file of filesOf(dir)) {
    const rel = relative(dir, file);
    if (file.endsWith('.js')) {
      const text = readFileSync(file, 'utf8');
      for (const [what, re] of EVAL_PATTERNS) if (re.test(text)) problems.push(`${rel}: ${what}`);
    } else if (file.endsWith('.html')) {
      const text = readFileSync(file, 'utf8');
      if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(text)) problems.push(`${rel}: inline <script>`);
      if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(text)) problems.push(`${rel}: inline event handler`);
      if (/javascript:/i.test(text)) problems.push(`${rel}: javascript: URL`);
    }
  }
  return problems;
}

function permissionProblems(m: Manifest, readme: string): { unjustified: string[]; other: string[] } {
  const other: string[] = [];
  const unjustified: string[] = [];
  const perms = m.permissions ?? [];
  for (const p of perms) if (!PERMISSIONS.includes(p)) other.push(`permission ${p} is not on the allowlist`);
  for (const p of PERMISSIONS)
    if (!perms.includes(p)) other.push(`allowlisted permission ${p} is not asked for`);
  for (const key of ['host_permissions', 'optional_permissions', 'optional_host_permissions'] as const)
    if (m[key]?.length) other.push(`${key}: ${m[key]?.join(', ')}`);
  for (const key of ['web_accessible_resources', 'externally_connectable', 'sandbox'] as const)
    if (m[key] !== undefined) other.push(`${key} is set`);
  for (const cs of m.content_scripts ?? []) {
    if (cs.matches.join() !== CONTENT_MATCHES.join())
      other.push(`content script matches ${cs.matches.join(', ')}`);
    if (cs.all_frames) other.push('a content script runs in all frames');
  }
  const section = readme.split(/^## /m).find((s) => s.startsWith('Permissions')) ?? '';
  for (const p of PERMISSIONS) {
    // A bullet that names the permission and says what it is for.
    const line = section.split(/\n- /).find((b) => b.includes(`\`${p}\``));
    if (!line || line.replace(/\s+/g, ' ').length < 60) unjustified.push(p);
  }
  if (!CONTENT_MATCHES.every((x) => section.includes(`\`${x}\``))) unjustified.push('content scripts');
  return { unjustified, other };
}

async function webExtLint(
  dir: string,
): Promise<{ errors: number; warnings: number; notices: number; detail: string[] }> {
  const bin = join(REPO_ROOT, 'node_modules/.bin/web-ext');
  const { stdout } = await promisify(execFile)(
    bin,
    ['lint', '--source-dir', dir, '--self-hosted', '--output', 'json'],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '{}' }));
  const r = JSON.parse(stdout) as {
    summary?: { errors: number; warnings: number; notices: number };
    errors?: { code: string; file?: string }[];
    warnings?: { code: string; file?: string }[];
    notices?: { code: string; file?: string }[];
  };
  const s = r.summary ?? { errors: 1, warnings: 0, notices: 0 };
  const detail = [...(r.errors ?? []), ...(r.warnings ?? []), ...(r.notices ?? [])].map(
    (x) => `${x.code} ${x.file ?? ''}`,
  );
  return { ...s, detail };
}

describe('extension lock-down', () => {
  it('has a strict CSP, no string evaluation or HTML writing, minimal justified permissions, and lints clean', async () => {
    for (const dir of [CHROME_DIST, FIREFOX_DIST])
      if (!existsSync(join(dir, 'manifest.json')))
        throw new Error(`${dir}/manifest.json missing: run npm run build`);
    const source = readJson(join(REPO_ROOT, 'manifest.json'));
    const chrome = readJson(join(CHROME_DIST, 'manifest.json'));
    const firefox = readJson(join(FIREFOX_DIST, 'manifest.json'));
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

    const csp = [source, chrome, firefox].flatMap((m, i) =>
      cspProblems(m.content_security_policy?.extension_pages).map(
        (p) => `${['source', 'chrome', 'firefox'][i]}: ${p}`,
      ),
    );
    const code = [
      ...codeProblems(CHROME_DIST).map((p) => `chrome/${p}`),
      ...codeProblems(FIREFOX_DIST).map((p) => `firefox/${p}`),
    ];
    const perms = [source, chrome, firefox].map((m) => permissionProblems(m, readme));
    const unjustified = [...new Set(perms.flatMap((p) => p.unjustified))];
    const other = [...new Set(perms.flatMap((p) => p.other))];
    const lint = await webExtLint(FIREFOX_DIST);
    const lintFindings = lint.errors + lint.warnings + lint.notices;

    recordReliability('csp', [
      {
        name: 'csp_unsafe_directives',
        value: csp.length,
        unit: 'count',
        target: mustBeZero,
        note: `extension_pages CSP: ${source.content_security_policy?.extension_pages ?? 'none'}`,
        detail: { csp },
      },
      {
        name: 'eval_sites_in_extension',
        value: code.length,
        unit: 'count',
        target: mustBeZero,
        note: 'eval, new Function, string timers, HTML writes, inline scripts/handlers in dist/chrome and dist/firefox',
        detail: { code },
      },
      {
        name: 'permissions_unjustified',
        value: unjustified.length + other.length,
        unit: 'count',
        target: mustBeZero,
        note: `permissions ${JSON.stringify(source.permissions ?? [])}, content scripts on ${CONTENT_MATCHES.join(' ')}, each justified in README`,
        detail: { unjustified, other },
      },
      {
        name: 'web_ext_lint_findings',
        value: lintFindings,
        unit: 'count',
        target: mustBeZero,
        note: `web-ext lint dist/firefox: ${lint.errors} errors, ${lint.warnings} warnings, ${lint.notices} notices`,
        detail: { lint: lint.detail },
      },
    ]);

    expect(csp).toEqual([]);
    expect(code).toEqual([]);
    expect(other).toEqual([]);
    expect(unjustified).toEqual([]);
    expect(lint.detail).toEqual([]);
    expect(lintFindings).toBe(0);
  });
});
