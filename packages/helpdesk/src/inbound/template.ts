import type { JsonObject } from './json-body';

/**
 * Webhook bodies that a helpdesk renders from a template we publish (Zendesk trigger webhooks,
 * Freshdesk automation rules). Whether the vendor JSON-escapes placeholder values is not
 * documented, so a subject with a `"` in it may arrive as broken JSON, or worse, as valid JSON
 * with an extra key the customer typed. A body laid out exactly like our template is therefore
 * read by position first: every placeholder but the last is a run without quotes, and the last
 * one (free text, by design) takes everything up to the closing brackets. Only a body that does
 * not have the template's layout is read as ordinary JSON.
 */

type Token =
  | { type: 'placeholder'; name: string; raw: string }
  | { type: 'string'; value: string; raw: string }
  | { type: 'punct'; raw: string }
  | { type: 'literal'; raw: string };

const PLACEHOLDER = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/;

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < template.length) {
    const ch = template[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < template.length && template[j] !== '"') j += template[j] === '\\' ? 2 : 1;
      const raw = template.slice(i, j + 1);
      const inner = template.slice(i + 1, j);
      const match = PLACEHOLDER.exec(inner);
      tokens.push(
        match
          ? { type: 'placeholder', name: match[1] as string, raw }
          : { type: 'string', value: JSON.parse(raw), raw },
      );
      i = j + 1;
    } else if ('{}[]:,'.includes(ch)) {
      tokens.push({ type: 'punct', raw: ch });
      i += 1;
    } else {
      let j = i;
      while (j < template.length && !/[\s{}[\]:,"]/.test(template[j] as string)) j += 1;
      tokens.push({ type: 'literal', raw: template.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Where a value goes in the object the template describes. */
type Slot = { path: string[]; group?: number; constant?: string };

export interface TemplateReader {
  /** The values of a body laid out exactly like the template, or `undefined`. */
  read(body: string): JsonObject | undefined;
}

export function templateReader(template: string): TemplateReader {
  const tokens = tokenize(template);
  const lastPlaceholder = tokens.reduce((last, t, i) => (t.type === 'placeholder' ? i : last), -1);
  const slots: Slot[] = [];
  const parts: string[] = [];
  const stack: string[] = [];
  let key: string | undefined;
  let groups = 0;
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    const isKey = next?.type === 'punct' && next.raw === ':';
    if (token.type === 'placeholder') {
      parts.push(i === lastPlaceholder ? '"([\\s\\S]*)"' : '"([^"]*)"');
      groups += 1;
      if (!isKey && key !== undefined) slots.push({ path: [...stack, key], group: groups });
    } else {
      parts.push(escapeRegExp(token.raw));
      if (token.type === 'string' && isKey) key = token.value;
      else if (token.type === 'string' && key !== undefined)
        slots.push({ path: [...stack, key], constant: token.value });
      else if (token.raw === '{') {
        stack.push(key ?? '');
        key = undefined;
      } else if (token.raw === '}') {
        stack.pop();
      }
    }
  });
  const pattern = new RegExp(`^\\s*${parts.join('\\s*')}\\s*$`);
  const captured = slots.filter((s) => s.group !== undefined);

  return {
    read(body) {
      const match = pattern.exec(body);
      if (!match) return undefined;
      const out: JsonObject = {};
      for (const slot of slots) {
        const value = slot.group !== undefined ? decode(match[slot.group] ?? '') : (slot.constant ?? '');
        setPath(out, slot.path, value);
      }
      // A template whose placeholders sit outside any key has nothing to read.
      return captured.length > 0 ? out : undefined;
    },
  };
}

/** A value the vendor did escape decodes as JSON; one it did not is taken exactly as sent. */
function decode(raw: string): string {
  try {
    const value: unknown = JSON.parse(`"${raw}"`);
    return typeof value === 'string' ? value : raw;
  } catch {
    return raw;
  }
}

function setPath(target: JsonObject, path: string[], value: string): void {
  const keys = path.filter((k) => k !== '');
  let node = target;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) {
      node[k] = value;
      return;
    }
    const child = node[k];
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) node = child as JsonObject;
    else {
      const created: JsonObject = {};
      node[k] = created;
      node = created;
    }
  });
}

/**
 * Renders a template as the helpdesk would. `jsonEscape: false` reproduces a vendor that pastes
 * placeholder values in verbatim. Unknown placeholders render empty.
 */
export function renderTemplate(
  template: string,
  values: Record<string, string | undefined>,
  opts: { jsonEscape?: boolean } = {},
): string {
  const jsonEscape = opts.jsonEscape ?? true;
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name] ?? '';
    return jsonEscape ? JSON.stringify(value).slice(1, -1) : value;
  });
}
