/**
 * What helpdesks broadly do to submitted HTML: comments, scripts and styles go, tags lose their
 * attributes, and only a safe `href` survives on links (with `linkAttrs` appended, which differ by
 * vendor). A marker hidden in markup does not survive, as on a real ticket.
 */
export function stripMarkup(html: string, linkAttrs: string): string {
  return html
    .replace(/<!--[\s\S]*?(-->|$)/g, '')
    .replace(/<(script|style)\b[\s\S]*?(<\/\1\s*>|$)/gi, '')
    .replace(/<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g, (_, tag: string, attrs: string) => {
      if (tag.toLowerCase() !== 'a') return `<${tag.toLowerCase()}>`;
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attrs);
      const url = href?.[2] ?? href?.[3];
      return url && /^(https?:|mailto:)/i.test(url) ? `<a href="${url}"${linkAttrs}>` : '<a>';
    });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** The text of some HTML; runs of blank lines collapse to `blankLines` (vendors differ). */
export function markupToText(html: string, blankLines: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, blankLines)
    .trim();
}
