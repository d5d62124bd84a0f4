import { markupToText, stripMarkup } from '../shared/html';

/**
 * Roughly what Freshdesk does with a note's HTML `body`: comments, scripts and styles go, only
 * `href` survives on links, and the result is wrapped in a `<div>`. `body_text` is its text. A
 * marker hidden in markup does not survive, as on a real ticket.
 */
export function sanitizeHtml(html: string): string {
  return `<div>${stripMarkup(html, ' rel="noreferrer" target="_blank"')}</div>`;
}

/** Freshdesk's `body_text`: blank lines collapse to a single line break. */
export function htmlToText(html: string): string {
  return markupToText(html, '\n');
}
