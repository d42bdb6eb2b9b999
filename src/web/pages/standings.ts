import { Breakdown, ContributionLine } from '../../calculators/types';
import { StandingsEntryView, tieKey } from '../../leaderboards/standings/standings.dto';
import { Html, html, raw } from '../html';
import { BoardRow, EventRow, SeriesRow } from '../web.repository';
import { absolute, day, points } from './format';
import { href, layout, PageContext } from './layout';

/** Replaced per request with "3 minutes ago": the rest of the page is cached per standings version. */
export const AGO_MARK = '\u0001ago\u0001';

export interface StandingsModel {
  series: SeriesRow;
  board: BoardRow;
  events: EventRow[];
  state: string;
  provisional: boolean;
  stale: boolean;
  revisionPending: boolean;
  computedAt: Date | null;
  entries: StandingsEntryView[];
  /** Shared places, as `tieKey(category, position)`. */
  tied: Set<string>;
  q: string;
  page: number;
  pages: number;
  total: number;
  streamUrl: string;
  version: string;
}

export function standingsPage(ctx: PageContext, m: StandingsModel): Html {
  const { t } = ctx;
  const title = `${m.board.name} — ${m.series.name}${m.series.season ? ` ${m.series.season}` : ''}`;
  const exportBase = `/api/leaderboards/${m.board.id}/standings`;
  return layout(ctx, {
    title,
    live: true,
    crumbs: [{ label: seriesLabel(m.series), href: href(ctx, `/series/${m.series.id}`) }, { label: m.board.name }],
    body: html`
<h1>${m.board.name}</h1>
<p class="sub">${seriesLabel(m.series)} · ${t.standings}</p>
<form class="filter" method="get" action="/leaderboards/${m.board.id}" role="search">
  <label for="q">${t.filter}</label>
  <input id="q" name="q" type="search" value="${m.q}" maxlength="100">
  ${ctx.embed ? html`<input type="hidden" name="embed" value="1">` : ''}
  <button type="submit">${t.filterButton}</button>
  ${m.q ? html`<a href="${href(ctx, `/leaderboards/${m.board.id}`)}">${t.clearFilter}</a>` : ''}
</form>
<div id="live" data-live="${m.streamUrl}" data-version="${m.version}">
${m.stale ? html`<p class="banner stale" role="status">${t.stale}</p>` : ''}
${m.provisional ? html`<p class="banner provisional" role="status">${t.provisional}</p>` : ''}
${m.revisionPending ? html`<p class="banner revision" role="status">${t.revisionPending}</p>` : ''}
<p class="updated">${t.updated} ${m.computedAt
      ? html`<time datetime="${m.computedAt.toISOString()}" title="${absolute(t, m.computedAt, m.series.timeZone)}">${raw(AGO_MARK)}</time>`
      : t.never}</p>
${m.entries.length === 0 && m.q ? html`<p>${t.noMatch(m.q)}</p>` : table(ctx, m)}
${pager(ctx, m)}
</div>
<p class="downloads">${t.downloads}: <a href="${exportBase}.csv" download>${t.csv}</a> · <a href="${exportBase}.xlsx" download>${t.xlsx}</a></p>
`,
  });
}

function table(ctx: PageContext, m: StandingsModel): Html {
  const { t } = ctx;
  const groupLabel = groupHeading(t.group, t.category, m);
  const notes: { n: number; name: string; text: string }[] = [];
  let unrankedShown = false;
  const columns = 4 + m.events.length;
  const rows = m.entries.map((e) => {
    const head = e.position === null && !unrankedShown
      ? ((unrankedShown = true), html`<tr class="unranked-head"><td colspan="${columns}">${t.unranked(m.board.minEvents)}</td></tr>`)
      : '';
    const breakdown = e.breakdown as Breakdown;
    let note: Html | string = '';
    if (breakdown?.tieBreak) {
      const n = notes.length + 1;
      notes.push({ n, name: e.name, text: namesForKeys(breakdown.tieBreak, m.entries) });
      note = html`<sup><a href="#tie-${n}" id="tie-ref-${n}" title="${t.tieNote}">${n}</a></sup>`;
    }
    const position = e.position === null ? '–' : m.tied.has(tieKey(e.category, e.position)) ? `=${e.position}` : String(e.position);
    return html`${head}<tr data-key="${e.key}">
<td class="pos num">${position}</td>
<th scope="row" class="name"><a href="${href(ctx, `/leaderboards/${m.board.id}/entries/${encodeURIComponent(e.key)}`)}">${e.name}</a></th>
<td class="group">${e.group ?? ''}</td>
<td class="num total"><strong>${points(e.points)}</strong>${note}</td>
${m.events.map((ev) => eventCell(ctx, breakdown, ev.id))}
</tr>`;
  });
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t.standings}">
<table class="standings">
<caption class="skip">${m.board.name}</caption>
<thead><tr>
<th scope="col" class="num">${t.position}</th>
<th scope="col" class="name">${t.name}</th>
<th scope="col">${groupLabel}</th>
<th scope="col" class="num">${t.total}</th>
${m.events.map((ev) => html`<th scope="col" class="num ev" data-event="${ev.id}"><a href="${href(ctx, `/series/${m.series.id}`)}#event-${ev.id}">${ev.name}</a>${ev.starred ? ' ★' : ''}${ev.pointsMultiplier !== 1 ? ` ×${points(ev.pointsMultiplier)}` : ''}<small>${day(t, ev.date)}</small></th>`)}
</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
${notes.length ? html`<ol class="notes">${notes.map((n) => html`<li id="tie-${n.n}">${t.tieNote}, ${n.name}: ${n.text}.</li>`)}</ol>` : ''}`;
}

/** One event's cell: counted points, dropped ones struck through with the reason, status codes; blank when not raced. */
function eventCell(ctx: PageContext, breakdown: Breakdown | null, eventId: number): Html {
  const counted = breakdown?.counted.filter((l) => l.eventId === eventId) ?? [];
  const dropped = breakdown?.dropped.filter((l) => l.eventId === eventId) ?? [];
  return html`<td class="num" data-event="${eventId}">${counted.map((l) => html`<span class="counted">${points(l.points)}${status(l)}</span> `)}${dropped.map(
    (l) => html`<del title="${ctx.t.droppedTitle(l.reason)}">${points(l.points)}${status(l)}</del><span class="skip"> (${ctx.t.droppedTitle(l.reason)})</span> `,
  )}</td>`;
}

function status(line: ContributionLine): Html | string {
  return line.status === 'FIN' ? '' : html` <span class="status">${line.status}</span>`;
}

function pager(ctx: PageContext, m: StandingsModel): Html | string {
  if (m.pages <= 1) return '';
  const link = (page: number) => href(ctx, `/leaderboards/${m.board.id}`, { q: m.q || undefined, page: page > 1 ? page : undefined });
  return html`<nav class="pager" aria-label="Pages">
${m.page > 1 ? html`<a rel="prev" href="${link(m.page - 1)}">${ctx.t.previous}</a>` : ''}
<span>${ctx.t.page(m.page, m.pages)}</span>
${m.page < m.pages ? html`<a rel="next" href="${link(m.page + 1)}">${ctx.t.next}</a>` : ''}
</nav>`;
}

/** The group column is headed with the series' own label of the slot the board groups by (School, Club…). */
function groupHeading(fallback: string, category: string, m: StandingsModel): string {
  if (m.board.type !== 'INDIVIDUAL') return category;
  const slot = (m.board.groupBy[0] ?? 'custom1') as keyof SeriesRow['labels'];
  return m.series.labels[slot] ?? m.series.labels.custom1 ?? fallback;
}

/** The calculators name entries by key (p:12) in tie-break notes; readers know them by name. */
function namesForKeys(text: string, entries: StandingsEntryView[]): string {
  const names = new Map(entries.map((e) => [e.key, e.name]));
  return text.replace(/\b[pc]:[0-9]+(?::[^\s;,.]+)?/g, (key) => names.get(key) ?? key);
}

export function seriesLabel(series: SeriesRow): string {
  return series.season ? `${series.name} ${series.season}` : series.name;
}
