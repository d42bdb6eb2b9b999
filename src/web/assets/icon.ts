/**
 * Podium's icon: three steps of a podium. One SVG for the pages and the console (both link it as
 * /favicon.svg), so browsers stop asking for a /favicon.ico that is not there.
 */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">`
  + `<rect width="32" height="32" rx="6" fill="#102a43"/>`
  + `<rect x="4" y="15" width="8" height="13" fill="#bcccdc"/>`
  + `<rect x="12" y="7" width="8" height="21" fill="#f0b429"/>`
  + `<rect x="20" y="19" width="8" height="9" fill="#d9822b"/>`
  + `</svg>`;
