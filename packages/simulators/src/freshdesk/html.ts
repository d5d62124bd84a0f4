/**
 * Roughly what Freshdesk does with a note's HTML `body`: comments, scripts and styles go, only
 * `href` survives on links, and the result is wrapped in a `<div>`. `body_text` is its text. A
 * marker hidden in markup does not survive, as on a real ticket.
 */
export function sanitizeHtml(html: string): string {
  const cleaned = html
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
    .replace(/<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g, (_, tag: string, attrs: string) => {
      if (tag.toLowerCase() !== 'a') return `<${tag.toLowerCase()}>`;
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
      const url = href?.[2] ?? href?.[3];
      return url && /^(https?:|mailto:)/i.test(url) ? `<a href="${url}" rel="noreferrer" target="_blank">` : '<a>';
    });
  return `<div>${cleaned}</div>`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}
