#!/usr/bin/env node
/**
 * Builds the extension for both browsers from one source tree (Vite 8 JS API):
 *   dist/chrome/   MV3, background.service_worker (ES module), "key" pins the id
 *   dist/firefox/  MV3, background.scripts (ES module), browser_specific_settings.gecko
 * Pages (devtools.html, panel/panel.html, panel/link-probe.html) and the background are one
 * ES-module build; the content script is a second build into one classic IIFE file.
 * The JS is browser-neutral (extension/browser.ts decides at run time), so it is built once
 * and copied; only the manifests differ.
 *
 * Chrome extension id (from the public "key" in manifest.json): cfpaoeehohmmbebmohdjbfphnmljeend
 * Firefox add-on id: hindsight@hindsight.dev
 *
 * Usage: node scripts/build.mjs [--no-minify]
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ICON_SIZES, iconPng } from '../extension/icons/icon.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'extension');
// HINDSIGHT_DIST builds elsewhere (a second checkout's tests must not rebuild under a running browser).
const dist = process.env.HINDSIGHT_DIST ? resolve(process.env.HINDSIGHT_DIST) : join(root, 'dist');
const stage = join(dist, '.stage');
const minify = !process.argv.includes('--no-minify');

export const GECKO_ID = 'hindsight@hindsight.dev';

/** Chrome derives the id from the SHA-256 of the DER public key: first 32 hex digits, 0-f → a-p. */
export function chromeIdFromKey(keyBase64) {
  const hex = createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((h) => String.fromCharCode(97 + Number.parseInt(h, 16))).join('');
}

/** Output names never start with "_" (Chrome reserves those) and carry no path from the source. */
const safeName = (name) => name.replace(/[^A-Za-z0-9.-]/g, '-').replace(/^[-.]+/, '') || 'chunk';

/**
 * The panel never sets HTML from strings: Preact's one `innerHTML = <value>` sink (the
 * `dangerouslySetInnerHTML` prop, which no component uses) is made to set text instead, so
 * even a future use could not turn page data into markup, and `web-ext lint` finds no
 * unsafe assignment. The build fails if the pattern is not found (a Preact upgrade that
 * moved it must be looked at).
 */
function noInnerHTML() {
  return {
    name: 'hindsight-no-innerhtml',
    transform(code, id) {
      if (!/[\\/]preact[\\/]dist[\\/]preact\.(module\.js|mjs)$/.test(id)) return null;
      const sink = /(\b[\w$]+)\.innerHTML=([\w$]+)\.__html\b/g;
      if (!sink.test(code)) throw new Error(`${id}: Preact's dangerouslySetInnerHTML sink not found`);
      return { code: code.replace(sink, '$1.textContent=$2.__html'), map: null };
    },
  };
}

const shared = {
  configFile: false,
  plugins: [noInnerHTML()],
  logLevel: 'warn',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
};

async function buildPages() {
  await build({
    ...shared,
    root: src,
    base: '/',
    build: {
      outDir: stage,
      emptyOutDir: true,
      target: ['chrome120', 'firefox142'],
      minify,
      sourcemap: false,
      modulePreload: { polyfill: false },
      reportCompressedSize: false,
      chunkSizeWarningLimit: 2048,
      rolldownOptions: {
        input: {
          devtools: join(src, 'devtools.html'),
          panel: join(src, 'panel/panel.html'),
          'link-probe': join(src, 'panel/link-probe.html'),
          background: join(src, 'background.ts'),
        },
        output: {
          entryFileNames: (chunk) =>
            chunk.name === 'background' ? 'background.js' : 'assets/[name]-[hash].js',
          chunkFileNames: (chunk) => `assets/c-${safeName(chunk.name)}-[hash].js`,
          assetFileNames: (asset) =>
            `assets/a-${safeName((asset.names?.[0] ?? 'asset').replace(/\.[^.]*$/, ''))}-[hash][extname]`,
        },
      },
    },
  });
}

async function buildContentScript(entry = 'content-script') {
  await build({
    ...shared,
    root: src,
    build: {
      outDir: stage,
      emptyOutDir: false,
      target: ['chrome120', 'firefox142'],
      minify,
      sourcemap: false,
      reportCompressedSize: false,
      copyPublicDir: false,
      rolldownOptions: {
        input: join(src, `${entry}.ts`),
        output: {
          format: 'iife',
          entryFileNames: `${entry}.js`,
          codeSplitting: false,
        },
      },
    },
  });
}

function writeIcons(dir) {
  mkdirSync(join(dir, 'icons'), { recursive: true });
  for (const size of ICON_SIZES) writeFileSync(join(dir, `icons/icon-${size}.png`), iconPng(size));
}

function manifests() {
  const source = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  const { browser_specific_settings, background, key, ...common } = source;
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const chrome = {
    ...common,
    version,
    key,
    background: { service_worker: background.service_worker, type: 'module' },
  };
  const { minimum_chrome_version: _drop, ...forFirefox } = common;
  const firefox = {
    ...forFirefox,
    version,
    background: { scripts: [background.service_worker], type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: '142.0',
        data_collection_permissions: { required: ['none'] },
        ...browser_specific_settings?.gecko,
      },
    },
  };
  return { chrome, firefox, chromeId: chromeIdFromKey(key) };
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** The extension CSP forbids eval; make sure no bundled code relies on it. */
function checkOutput(dir) {
  const problems = [];
  for (const file of walk(dir)) {
    const rel = relative(dir, file);
    if (rel.split('/').some((part) => part.startsWith('_'))) problems.push(`${rel}: name starts with "_"`);
    if (!file.endsWith('.js') && !file.endsWith('.html')) continue;
    const text = readFileSync(file, 'utf8');
    if (/\beval\s*\(/.test(text)) problems.push(`${rel}: contains eval(`);
    if (/\bnew\s+Function\b/.test(text)) problems.push(`${rel}: contains new Function`);
    if (/\.(inner|outer)HTML\s*=(?!=)\s*(?![`'"]{2})/.test(text))
      problems.push(`${rel}: sets innerHTML/outerHTML`);
    if (/\b(insertAdjacentHTML|document\.write(ln)?)\s*\(/.test(text)) problems.push(`${rel}: writes HTML`);
    if (file.endsWith('.html') && /<script(?![^>]*\bsrc=)[^>]*>/i.test(text))
      problems.push(`${rel}: inline <script>`);
  }
  for (const name of ['content-script.js', 'compat-main.js']) {
    const cs = readFileSync(join(dir, name), 'utf8');
    if (/^\s*(import|export)\b/m.test(cs)) problems.push(`${name} is not a classic script`);
  }
  if (problems.length) throw new Error(`build output check failed:\n  ${problems.join('\n  ')}`);
}

async function main() {
  const t0 = performance.now();
  if (!existsSync(join(src, 'panel/main.tsx'))) {
    throw new Error('extension/panel/main.tsx is missing (the panel entry)');
  }
  rmSync(dist, { recursive: true, force: true });
  await buildPages();
  await buildContentScript();
  // The MAIN-world script (Redux DevTools-compatible global): its own classic IIFE, with the hook.
  await buildContentScript('compat-main');
  writeIcons(stage);
  checkOutput(stage);
  const { chrome, firefox, chromeId } = manifests();
  for (const [name, manifest] of [
    ['chrome', chrome],
    ['firefox', firefox],
  ]) {
    const out = join(dist, name);
    cpSync(stage, out, { recursive: true });
    writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
  rmSync(stage, { recursive: true, force: true });
  const ms = Math.round(performance.now() - t0);
  console.log(
    `built ${relative(root, dist) || dist}/chrome (id ${chromeId}) and /firefox (${GECKO_ID}) in ${ms} ms`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
