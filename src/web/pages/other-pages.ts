import { Breakdown, ContributionLine } from '../../calculators/types';
import { StandingsEntryView } from '../../leaderboards/standings/standings.dto';
import { Html, html } from '../html';
import { BoardRow, EventRow, SeriesRow } from '../web.repository';
import { day, points } from './format';
import { href, layout, PageContext } from './layout';
import { seriesLabel } from './standings';

export interface BoardSummary {
  board: BoardRow;
  /** The state shown to this reader (Provisional, Final…); null when nothing may be shown yet. */
  state: string | null;
  stale: boolean;
}

export function homePage(ctx: PageContext, series: { series: SeriesRow; latestEvent: EventRow | null; boards: BoardSummary[] }[]): Html {
  const { t } = ctx;
  return layout(ctx, {
    title: t.home,
    crumbs: [],
    body: html`<h1>${t.home}</h1>
${series.length === 0 ? html`<p>${t.noSeries}</p>` : html`<ul class="cards">${series.map(
      (s) => html`<li>
<h2><a href="${href(ctx, `/series/${s.series.id}`)}">${s.series.name}</a></h2>
${s.series.season ? html`<p class="sub">${t.season} ${s.series.season}</p>` : ''}
${s.latestEvent ? html`<p>${t.latestEvent}: ${s.latestEvent.name} (${day(t, s.latestEvent.date)})</p>` : ''}
${boardList(ctx, s.boards)}
</li>`,
    )}</ul>`}`,
  });
}

export function seriesPage(ctx: PageContext, series: SeriesRow, events: EventRow[], boards: BoardSummary[]): Html {
  const { t } = ctx;
  return layout(ctx, {
    title: seriesLabel(series),
    crumbs: [{ label: seriesLabel(series) }],
    body: html`<h1>${series.name}</h1>
${series.season ? html`<p class="sub">${t.season} ${series.season}</p>` : ''}
<h2>${t.boards}</h2>
${boards.some((b) => b.state) ? html`<div class="scroll"><table>
<thead><tr><th scope="col">${t.board}</th><th scope="col">${t.state}</th></tr></thead>
<tbody>${boards.filter((b) => b.state).map((b) => html`<tr><th scope="row"><a href="${href(ctx, `/leaderboards/${b.board.id}`)}">${b.board.name}</a></th><td>${b.state}${b.stale ? ` (${t.states.FAILED})` : ''}</td></tr>`)}</tbody>
</table></div>` : html`<p>${t.noBoards}</p>`}
<h2>${t.events}</h2>
${events.length ? html`<div class="scroll"><table>
<thead><tr><th scope="col">${t.date}</th><th scope="col">${t.event}</th><th scope="col">${t.starred}</th><th scope="col" class="num">${t.multiplier}</th></tr></thead>
<tbody>${events.map((e) => html`<tr id="event-${e.id}"><td>${day(t, e.date)}</td><th scope="row">${e.name}</th><td>${e.starred ? '★' : ''}</td><td class="num">${e.pointsMultiplier !== 1 ? `×${points(e.pointsMultiplier)}` : ''}</td></tr>`)}</tbody>
</table></div>` : html`<p>${t.noEvents}</p>`}`,
  });
}

function boardList(ctx: PageContext, boards: BoardSummary[]): Html {
  const shown = boards.filter((b) => b.state);
  if (shown.length === 0) return html`<p>${ctx.t.noBoards}</p>`;
  return html`<ul>${shown.map((b) => html`<li><a href="${href(ctx, `/leaderboards/${b.board.id}`)}">${b.board.name}</a> <small>(${b.state})</small></li>`)}</ul>`;
}

export function entryPage(ctx: PageContext, series: SeriesRow, board: BoardRow, entry: StandingsEntryView, total: number): Html {
  const { t } = ctx;
  const breakdown = entry.breakdown as Breakdown;
  const lines = [
    ...breakdown.counted.map((l) => ({ line: l, reason: null as string | null })),
    ...breakdown.dropped.map((l) => ({ line: l as ContributionLine, reason: l.reason })),
  ].sort((a, b) => a.line.date.localeCompare(b.line.date) || a.line.eventId - b.line.eventId);
  return layout(ctx, {
    title: `${entry.name} — ${board.name}`,
    crumbs: [
      { label: seriesLabel(series), href: href(ctx, `/series/${series.id}`) },
      { label: board.name, href: href(ctx, `/leaderboards/${board.id}`) },
      { label: entry.name },
    ],
    body: html`<h1>${t.entryTitle(entry.name)}</h1>
<p class="sub">${board.name} · ${seriesLabel(series)}</p>
<dl class="facts">
<dt>${t.rank}</dt><dd>${entry.position === null ? t.unranked(board.minEvents) : `${entry.position} / ${total}`}</dd>
<dt>${t.total}</dt><dd>${points(entry.points)}</dd>
${entry.group ? html`<dt>${t.group}</dt><dd>${entry.group}</dd>` : ''}
${breakdown.tieBreak ? html`<dt>${t.tieNote}</dt><dd>${breakdown.tieBreak}</dd>` : ''}
</dl>
<div class="scroll"><table>
<thead><tr><th scope="col">${t.date}</th><th scope="col">${t.event}</th><th scope="col">${t.category}</th><th scope="col" class="num">${t.place}</th><th scope="col">${t.status}</th><th scope="col" class="num">${t.points}</th><th scope="col">${t.counted}</th></tr></thead>
<tbody>${lines.map(({ line, reason }) => html`<tr>
<td>${day(t, line.date)}</td>
<th scope="row"><a href="${href(ctx, `/series/${series.id}`)}#event-${line.eventId}">${line.eventName}</a>${line.riders?.length ? html`<br><small>${t.riders}: ${line.riders.map((r, i) => html`${i ? ', ' : ''}${r.name} (${points(r.points)})`)}</small>` : ''}</th>
<td>${line.category}</td>
<td class="num">${line.place ?? ''}</td>
<td>${line.status}</td>
<td class="num">${reason ? html`<del>${points(line.points)}</del>` : points(line.points)}</td>
<td>${reason ? `${t.dropped}: ${reason}` : t.counted}</td>
</tr>`)}</tbody>
</table></div>
<p><a href="${href(ctx, `/leaderboards/${board.id}`)}">${t.backToStandings}</a></p>`,
  });
}

export interface RiderLine {
  series: SeriesRow;
  board: BoardRow;
  entry: StandingsEntryView;
  state: string;
}

export function riderPage(ctx: PageContext, name: string, lines: RiderLine[]): Html {
  const { t } = ctx;
  return layout(ctx, {
    title: name,
    crumbs: [{ label: name }],
    body: html`<h1>${name}</h1>
<h2>${t.riderBoards}</h2>
${lines.length === 0 ? html`<p>${t.riderNone}</p>` : html`<div class="scroll"><table>
<thead><tr><th scope="col">${t.series}</th><th scope="col">${t.board}</th><th scope="col" class="num">${t.rank}</th><th scope="col" class="num">${t.points}</th><th scope="col">${t.state}</th></tr></thead>
<tbody>${lines.map((l) => html`<tr>
<td><a href="${href(ctx, `/series/${l.series.id}`)}">${seriesLabel(l.series)}</a></td>
<th scope="row"><a href="${href(ctx, `/leaderboards/${l.board.id}/entries/${encodeURIComponent(l.entry.key)}`)}">${l.board.name}</a></th>
<td class="num">${l.entry.position ?? '–'}</td>
<td class="num">${points(l.entry.points)}</td>
<td>${l.state}</td>
</tr>`)}</tbody>
</table></div>`}`,
  });
}
