import { escapeHtml } from '../common/http/escape-html';

export { escapeHtml };

/**
 * A tiny typed templating: `html` tagged templates escape every interpolated value unless it is
 * already Html (made by `html` or `raw`). Arrays are joined; null, undefined and false render
 * nothing. User text can therefore only ever become text, never markup.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup that is trusted as it is (built by the app, never from user input). */
export function raw(markup: string): Html {
  return new Html(markup);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

