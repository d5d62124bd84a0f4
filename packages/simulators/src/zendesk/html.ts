/**
 * Roughly what Zendesk does to a comment's `html_body`: comments, scripts and styles go, only
 * `href` survives on links, and the result is wrapped in its comment div. `plain_body` is the
 * text of that. A marker hidden in an attribute or an HTML comment does not survive this, which is
 * the point: read-back must find only what a real ticket would still show.
 */
export function sanitizeHtml(html: string): string {
  const cleaned = html
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
    .replace(/<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g, (_, tag: string, attrs: string) => {
      if (tag.toLowerCase() !== 'a') return `<${tag.toLowerCase()}>`;
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
      const url = href?.[2] ?? href?.[3];
      return url && /^(https?:|mailto:)/i.test(url) ? `<a href="${url}" rel="noreferrer">` : '<a>';
    });
  return `<div class="zd-comment" dir="auto">${cleaned}</div>`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n\n')
    .trim();
}

export function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<div class="zd-comment" dir="auto"><p dir="auto">${escaped.replace(/\n/g, '<br>')}</p></div>`;
}
