import { markupToText, stripMarkup } from '../shared/html';

/**
 * Roughly what Zendesk does to a comment's `html_body`: comments, scripts and styles go, only
 * `href` survives on links, and the result is wrapped in its comment div. `plain_body` is the
 * text of that. A marker hidden in an attribute or an HTML comment does not survive this, which is
 * the point: read-back must find only what a real ticket would still show.
 */
export function sanitizeHtml(html: string): string {
  return `<div class="zd-comment" dir="auto">${stripMarkup(html, ' rel="noreferrer"')}</div>`;
}

/** Zendesk's `plain_body`: paragraphs stay separated by one blank line. */
export function htmlToText(html: string): string {
  return markupToText(html, '\n\n');
}

export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<div class="zd-comment" dir="auto"><p dir="auto">${escaped.replace(/\n/g, '<br>')}</p></div>`;
}
