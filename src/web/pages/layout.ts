import { createHash } from 'node:crypto';
import { Html, html, HtmlValue } from '../html';
import { LIVE_SCRIPT } from '../assets/live-script';
import { STYLES } from '../assets/styles';
import { Strings } from '../strings';

/** Static assets under content-hashed names, so they can be cached for a year. */
/** The icon's path (without the leading slash: a route path), linked by every page and by the console's index.html. */
export const PAGE_ICON = 'favicon.svg';

export const ASSETS = {
  css: { path: `/assets/podium.${hash(STYLES)}.css`, body: STYLES, type: 'text/css; charset=utf-8' },
  js: { path: `/assets/live.${hash(LIVE_SCRIPT)}.js`, body: LIVE_SCRIPT, type: 'text/javascript; charset=utf-8' },
} as const;

/** What every page is rendered with. */
export interface PageContext {
  t: Strings;
  /** ?embed=1: no site chrome, links stay in the embedded view. */
  embed: boolean;
}

export interface Crumb {
  label: string;
  href?: string;
}

/** A link to one of the pages, keeping the embedded view when the page is embedded. */
export function href(ctx: PageContext, path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  if (ctx.embed) params.set('embed', '1');
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export function layout(ctx: PageContext, page: { title: string; crumbs: Crumb[]; body: HtmlValue; live?: boolean }): Html {
  const { t } = ctx;
  return html`<!doctype html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · ${t.appName}</title>
<link rel="icon" type="image/svg+xml" href="/${PAGE_ICON}">
<link rel="stylesheet" href="${ASSETS.css.path}">
${page.live ? html`<script src="${ASSETS.js.path}" defer></script>` : ''}
</head>
<body${ctx.embed ? html` class="embed"` : ''}>
<a class="skip" href="#content">${t.skip}</a>
${ctx.embed ? '' : html`<header class="site"><nav aria-label="Breadcrumb"><ol>
<li><a href="/">${t.appName}</a></li>
${page.crumbs.map((c) => html`<li>${c.href ? html`<a href="${c.href}">${c.label}</a>` : html`<span aria-current="page">${c.label}</span>`}</li>`)}
</ol></nav></header>`}
<main id="content">
${page.body}
</main>
${ctx.embed ? '' : html`<footer class="site">${t.appName}</footer>`}
</body>
</html>
`;
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 10);
}
