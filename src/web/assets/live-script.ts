/**
 * The standings page's progressive enhancement, served as a static file (the CSP allows no
 * inline script): on a `standings` event of the page's SSE stream it fetches the page again
 * and swaps the live region, so the table changes without a reload. Without JavaScript the
 * page is complete as served.
 */
export const LIVE_SCRIPT = `(function () {
  'use strict';
  var region = document.querySelector('[data-live]');
  if (!region || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.href, { headers: { Accept: 'text/html' }, cache: 'no-cache', credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (!text) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('[data-live]');
        var current = document.querySelector('[data-live]');
        if (fresh && current) current.replaceWith(fresh);
      })
      .catch(function () {})
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  var source = new EventSource(region.getAttribute('data-live'));
  source.addEventListener('standings', refresh);
})();
`;
