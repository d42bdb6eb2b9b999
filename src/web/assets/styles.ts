/** The pages' one stylesheet: screen (phone first), embed and print (A4). */
export const STYLES = `
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --band: #f6f8fa; --accent: #0b5cad; --warn-bg: #fff8c5; --warn: #6b4f00; --bad-bg: #ffebe9; --bad: #8a1c15; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 10; }
header.site { background: #102a43; color: #fff; padding: 10px 16px; }
header.site a { color: #fff; }
header.site nav ol { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 8px; }
header.site nav li + li::before { content: "›"; margin-right: 8px; color: #bcccdc; }
main { max-width: 1200px; margin: 0 auto; padding: 12px 16px 32px; }
body.embed main { padding: 4px; max-width: none; }
h1 { font-size: 1.5rem; margin: 8px 0 4px; }
h2 { font-size: 1.2rem; margin: 24px 0 8px; }
.sub { color: var(--muted); margin: 0 0 12px; }
.banner { border-radius: 6px; padding: 8px 12px; margin: 8px 0; font-weight: 600; }
.banner.provisional { background: var(--warn-bg); color: var(--warn); border: 1px solid #d4a72c; }
.banner.stale { background: var(--bad-bg); color: var(--bad); border: 1px solid #ff8182; }
.banner.revision { background: #ddf4ff; color: #0a3069; border: 1px solid #54aeff; }
.updated { color: var(--muted); margin: 4px 0 8px; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; background: #fff; }
thead th { background: var(--band); font-size: .85rem; white-space: nowrap; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) > * { background: #fbfcfd; }
.standings th.name, .standings td.name { position: sticky; left: 0; z-index: 1; min-width: 9rem; box-shadow: 1px 0 0 var(--line); }
.standings thead th.name { z-index: 2; }
.standings td.pos { white-space: nowrap; }
.standings tr.unranked-head td { background: var(--band); font-weight: 600; }
.ev small { display: block; color: var(--muted); font-weight: 400; }
del { color: var(--muted); }
.status { font-size: .8rem; color: var(--bad); font-weight: 600; }
.filter { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 12px 0; }
.filter input { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; min-width: 12rem; }
.filter button { font: inherit; padding: 4px 12px; }
.pager { display: flex; gap: 16px; align-items: center; margin: 12px 0; }
.notes { font-size: .9rem; color: var(--muted); }
.downloads { margin: 8px 0; }
ul.cards { list-style: none; padding: 0; display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
ul.cards > li { border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
ul.cards h2 { margin: 0 0 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
footer.site { color: var(--muted); font-size: .85rem; text-align: center; padding: 16px; }
@media print {
  @page { size: A4; margin: 12mm 10mm; }
  body { font-size: 9pt; }
  header.site, footer.site, .no-print, .filter, .pager, .downloads, .skip { display: none !important; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 14pt; }
  .scroll { overflow: visible; border: none; }
  table { font-size: 8pt; }
  th, td { padding: 2px 4px; }
  thead { display: table-header-group; }
  thead th { position: static; }
  tr { break-inside: avoid; }
  .standings th.name, .standings td.name { position: static; box-shadow: none; }
  a { color: inherit; text-decoration: none; }
  thead th, .ev small { font-size: 7.5pt; }
  .notes { font-size: 7pt; columns: 2; column-gap: 8mm; margin: 4px 0; padding-left: 4mm; }
  .banner, .banner.provisional, .banner.stale, .banner.revision { border: 1px solid #000; color: #000; background: none; padding: 2px 6px; }
}
`;
