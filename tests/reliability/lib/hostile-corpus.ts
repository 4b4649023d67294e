/**
 * Hostile strings for the injection test: markup and script in every form the panel could
 * be tricked into running or rendering, plus text that tries to confuse what the developer
 * sees (bidi overrides, control characters) or to exhaust the renderer (very long lines).
 *
 * Every active payload reports itself if it ever runs or loads anything:
 * - a script that runs calls the canary `/exec/<id>`, marks `data-pwned` on its document's
 *   root element, posts `hs-pwned:<id>` to its window, parent and top, and sets `__pwned`;
 * - markup that loads a resource asks the canary for `/load/<id>`.
 * Every element a payload would create carries `data-hs-canary`, so a test can find it.
 */

export type HostileCategory =
  | 'script-tag'
  | 'event-handler'
  | 'javascript-url'
  | 'svg'
  | 'css'
  | 'markup'
  | 'template'
  | 'unicode'
  | 'long-line';

export interface Hostile {
  id: string;
  category: HostileCategory;
  text: string;
}

/** JavaScript that reports `id` by every channel a script would have (no double quotes). */
export function execJs(canary: string, id: string): string {
  return [
    `try{fetch('${canary}/exec/${id}')}catch(e){}`,
    `try{document.documentElement.setAttribute('data-pwned','${id}')}catch(e){}`,
    `try{postMessage('hs-pwned:${id}','*')}catch(e){}`,
    `try{parent.postMessage('hs-pwned:${id}','*')}catch(e){}`,
    `try{top.postMessage('hs-pwned:${id}','*')}catch(e){}`,
    `try{window.__pwned='${id}'}catch(e){}`,
    `try{top.__pwned='${id}'}catch(e){}`,
  ].join('');
}

/** The corpus, with payloads pointing at `canary` (an origin like http://127.0.0.1:1234). */
export function hostileCorpus(canary: string): Hostile[] {
  const out: Hostile[] = [];
  const add = (category: HostileCategory, make: (id: string, js: string, load: string) => string) => {
    const id = `h${String(out.length + 1).padStart(3, '0')}`;
    out.push({ id, category, text: make(id, execJs(canary, id), `${canary}/load/${id}`) });
  };
  const C = 'data-hs-canary';

  // --- script tags ------------------------------------------------------------------------
  add('script-tag', (_, js) => `<script ${C}>${js}</script>`);
  add('script-tag', (_, js) => `<SCRIPT ${C}>${js}</SCRIPT>`);
  add('script-tag', (_, __, load) => `<script ${C} src="${load}"></script>`);
  add('script-tag', (_, js) => `"><script ${C}>${js}</script>`);
  add('script-tag', (_, js) => `'></textarea></title></style><script ${C}>${js}</script>`);
  add('script-tag', (_, js) => `</script><script ${C}>${js}</script>`);
  add('script-tag', (_, js) => `<script ${C} type="module">${js}</script>`);
  add('script-tag', (_, js) => `<scr<script>ipt ${C}>${js}</scr</script>ipt>`);
  add('script-tag', (_, js) => `<script ${C}>/*</script><script ${C}>*/${js}</script>`);
  add('script-tag', (_, js) => `<!--<script ${C}>--><script ${C}>${js}</script>`);
  add('script-tag', (_, js) => `<noscript><p title="</noscript><script ${C}>${js}</script>">`);
  add('script-tag', (_, js) => `<template><script ${C}>${js}</script></template><script ${C}>${js}</script>`);
  add('script-tag', (_, js) => `\u0000<script ${C}>${js}</script>`);

  // --- event-handler attributes -----------------------------------------------------------
  add('event-handler', (_, js) => `<img ${C} src=x onerror="${js}">`);
  add('event-handler', (_, js) => `<img ${C} src="x" onload="${js}" onerror="${js}">`);
  add('event-handler', (_, js) => `<body ${C} onload="${js}">`);
  add('event-handler', (_, js) => `<div ${C} onmouseover="${js}" style="position:fixed;inset:0">hover</div>`);
  add('event-handler', (_, js) => `<input ${C} autofocus onfocus="${js}">`);
  add('event-handler', (_, js) => `<details ${C} open ontoggle="${js}"><summary>x</summary></details>`);
  add('event-handler', (_, js) => `<video ${C} src=x onerror="${js}"></video>`);
  add('event-handler', (_, js) => `<audio ${C} src=x onerror="${js}"></audio>`);
  add('event-handler', (_, js) => `<iframe ${C} onload="${js}"></iframe>`);
  add('event-handler', (_, js) => `<marquee ${C} onstart="${js}">x</marquee>`);
  add('event-handler', (_, js) => `<select ${C} autofocus onfocus="${js}"></select>`);
  add('event-handler', (_, js) => `<textarea ${C} autofocus onfocus="${js}"></textarea>`);
  add('event-handler', (_, js) => `<button ${C} onclick="${js}">click me</button>`);
  add('event-handler', (_, js) => `<form ${C}><button ${C} formaction="javascript:${js}">go</button></form>`);
  add('event-handler', (_, js) => `" onmouseover="${js}" x="`);
  add('event-handler', (_, js) => `' onfocus='${js}' autofocus x='`);
  add('event-handler', (_, js) => `<img ${C} src=x oNeRrOr="${js}">`);
  add('event-handler', (_, js) => `<img ${C}/src=x/onerror=${js.replace(/ /g, '/')}>`);
  add('event-handler', (_, js) => `<object ${C} data=x onerror="${js}"></object>`);
  add('event-handler', (_, js) => `<img ${C} src=x onerror=&#x61;&#x6c;${js}>`);
  add('event-handler', (_, js) => `<style ${C} onload="${js}"></style>`);
  add('event-handler', (_, js) => `<link ${C} rel=stylesheet href=x onerror="${js}">`);

  // --- javascript: URLs -------------------------------------------------------------------
  add('javascript-url', (_, js) => `javascript:${js}`);
  add('javascript-url', (_, js) => `<a ${C} href="javascript:${js}">click</a>`);
  add('javascript-url', (_, js) => `<a ${C} href="JaVaScRiPt:${js}">click</a>`);
  add('javascript-url', (_, js) => `<a ${C} href=" &#14; javascript:${js}">click</a>`);
  add('javascript-url', (_, js) => `<a ${C} href="java&#x09;script:${js}">click</a>`);
  add(
    'javascript-url',
    (_, js) => `<a ${C} href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:${js}">x</a>`,
  );
  add('javascript-url', (_, js) => `<iframe ${C} src="javascript:${js}"></iframe>`);
  add('javascript-url', (_, js) => `<form ${C} action="javascript:${js}"><input ${C} type=submit></form>`);
  add('javascript-url', (_, js) => `<object ${C} data="javascript:${js}"></object>`);
  add('javascript-url', (_, js) => `<embed ${C} src="javascript:${js}">`);
  add('javascript-url', (_, js) => `<math><a ${C} xlink:href="javascript:${js}">x</a></math>`);
  add('javascript-url', (_, js) => `<a ${C} href="data:text/html,<script>${js}</script>">data url</a>`);
  add('javascript-url', (_, js) => `<iframe ${C} src="data:text/html,<script>${js}</script>"></iframe>`);
  add('javascript-url', (_, js) => `vbscript:${js}`);

  // --- SVG ---------------------------------------------------------------------------------
  add('svg', (_, js) => `<svg ${C} onload="${js}"></svg>`);
  add('svg', (_, js) => `<svg ${C}><script>${js}</script></svg>`);
  add('svg', (_, js) => `<svg ${C}><animate onbegin="${js}" attributeName=x dur=1s></svg>`);
  add('svg', (_, js) => `<svg ${C}><a xlink:href="javascript:${js}"><text x=20 y=20>x</text></a></svg>`);
  add('svg', (_, js) => `<svg ${C}><set attributeName=onmouseover to="${js}"/></svg>`);
  add(
    'svg',
    (_, js) => `<svg ${C}><foreignObject><iframe src="javascript:${js}"></iframe></foreignObject></svg>`,
  );
  add('svg', (_, __, load) => `<svg ${C}><image href="${load}" /></svg>`);
  add('svg', (_, __, load) => `<svg ${C}><use href="${load}#x" /></svg>`);
  add('svg', (_, js) => `<svg ${C}><style>@import 'x';</style><script>${js}</script></svg>`);
  add('svg', (_, js) => `<svg ${C}><p><style><img src=x onerror="${js}"></style></p></svg>`);
  add('svg', (_, js) => `<math ${C}><mtext><table><mglyph><style><img src=x onerror="${js}">`);
  add('svg', (_, js) => `<svg ${C}><desc><![CDATA[</desc><script>${js}</script>]]></svg>`);

  // --- CSS ---------------------------------------------------------------------------------
  add('css', (_, __, load) => `<style ${C}>@import url("${load}");</style>`);
  add('css', (_, __, load) => `<style ${C}>body{background:url("${load}")}</style>`);
  add('css', (_, __, load) => `<div ${C} style="background-image:url('${load}')">x</div>`);
  add('css', (_, __, load) => `<link ${C} rel="stylesheet" href="${load}">`);
  add('css', (_, js) => `<div ${C} style="width:expression(${js})">x</div>`);
  add(
    'css',
    (_, __, load) => `<style ${C}>@font-face{font-family:x;src:url("${load}")}*{font-family:x}</style>`,
  );
  add('css', () => `<style ${C}>*{display:none!important}</style>`);
  add(
    'css',
    () => `<div ${C} style="position:fixed;inset:0;z-index:2147483647;background:red">overlay</div>`,
  );
  add('css', (_, __, load) => `<style ${C}>input[value^="a"]{background:url("${load}")}</style>`);
  add('css', (_, __, load) => `</style><style ${C}>*{background:url("${load}")}</style>`);
  add('css', () => `a{}</style><style ${C}>html{filter:invert(1)}</style>`);
  add('css', (_, __, load) => `<img ${C} src="${load}" srcset="${load} 2x">`);

  // --- markup that loads or navigates ----------------------------------------------------
  add('markup', (_, __, load) => `<meta ${C} http-equiv="refresh" content="0;url=${load}">`);
  add('markup', (_, __, load) => `<base ${C} href="${load}/">`);
  add('markup', (_, __, load) => `<iframe ${C} src="${load}"></iframe>`);
  add('markup', (_, js) => `<iframe ${C} srcdoc="<script>${js.replace(/'/g, '&#39;')}</script>"></iframe>`);
  add('markup', (_, __, load) => `<object ${C} data="${load}"></object>`);
  add('markup', (_, __, load) => `<embed ${C} src="${load}">`);
  add('markup', (_, __, load) => `<form ${C} action="${load}"><input ${C} name=q value=secret></form>`);
  add('markup', (_, __, load) => `<a ${C} href="${load}">a plain link</a>`);
  add('markup', (_, __, load) => `<base ${C} href="${load}/"><a ${C} href="relative">a relative link</a>`);
  add('markup', (_, __, load) => `<a ${C} href="${load}" target="_top">top navigation</a>`);
  add('markup', (_, __, load) => `<a ${C} href="${load}" target="_blank">popup</a>`);
  add('markup', (_, __, load) => `<img ${C} src="${load}">`);
  add('markup', (_, __, load) => `<video ${C} poster="${load}"></video>`);
  add('markup', (_, __, load) => `<link ${C} rel="prefetch" href="${load}">`);
  add(
    'markup',
    (_, __, load) =>
      `<meta ${C} http-equiv="Content-Security-Policy" content="default-src *"><img ${C} src="${load}">`,
  );

  // --- template and serializer tricks ------------------------------------------------------
  add('template', (_, js) => `{{constructor.constructor("${js.replace(/"/g, '')}")()}}`);
  add('template', (_, js) => `\${${js}}`);
  add('template', (_, js) => `<%= ${js} %>`);
  add('template', () => '__proto__');
  add('template', () => 'constructor');
  add('template', () => 'prototype');
  add('template', () => 'hasOwnProperty');
  add('template', () => '$hs');
  add('template', () => '$$hs');
  add('template', () => '{"$hs":"function","name":"evil"}');
  add('template', () => '&lt;script&gt;&amp;&quot;&#39;');
  add('template', (_, js) => `]]><script ${C}>${js}</script><![CDATA[`);
  add('template', (_, js) => `<!-- --><script ${C}>${js}</script><!-- -->`);

  // --- Unicode: bidi, controls, look-alikes -------------------------------------------------
  add('unicode', () => 'user\u202Egnp.exe');
  add('unicode', () => '\u202Dleft\u202Cright\u202Eoverride\u202C');
  add('unicode', () => '\u2066isolate\u2067rtl\u2068first\u2069\u2069');
  add('unicode', () => '\u200F\u200Eabc\u061Cdef');
  add('unicode', () => 'zero\u200Bwidth\u200C\u200D\uFEFFjoiners');
  add('unicode', () => 'nul\u0000bell\u0007back\u0008space\u007Fdel');
  add('unicode', () => '\u001B[31mred\u001B[0m \u001B]0;title\u0007');
  add('unicode', () => 'line\u2028separator\u2029paragraph\r\nCRLF\rCR');
  add('unicode', () => 'lone \uD800 high and \uDC00 low surrogates');
  add('unicode', () => 'nonchars \uFFFE\uFFFF and \uFDD0');
  add('unicode', () => 'tags \u{E0001}\u{E0065}\u{E006E}\u{E007F}');
  add('unicode', () =>
    'Z\u0351\u0348\u0324\u0315a\u035A\u0317\u0316\u0300l\u0303\u033E\u0343g\u0313\u0365o'.repeat(50),
  );
  add('unicode', () => 'раураl аррlе'); // Cyrillic look-alikes
  add('unicode', () => '👨‍👩‍👧‍👦🏳️‍🌈'.repeat(20));
  add('unicode', () => '\t\v\f tabs and feeds \u00A0\u2007\u202F\u3000');
  add('unicode', () => '\u0085next line\u000Bvertical');
  add('unicode', () => 'ｓｃｒｉｐｔ＜ｓｃｒｉｐｔ＞fullwidth');
  add('unicode', (_, js) => `\uFF1Cscript ${C}\uFF1E${js}\uFF1C/script\uFF1E`);

  // --- very long lines ---------------------------------------------------------------------
  add('long-line', () => 'A'.repeat(100_000));
  add('long-line', (_, js) => `${'x'.repeat(50_000)}<script ${C}>${js}</script>`);
  add('long-line', () => '<div>'.repeat(5_000));
  add('long-line', () => '\u202E'.repeat(10_000));
  add('long-line', () => `${'word '.repeat(20_000)}`);
  add('long-line', () => 'é\u0301'.repeat(30_000));
  add('long-line', () => `${'{'.repeat(4000)}${'}'.repeat(4000)}`);
  return out;
}
