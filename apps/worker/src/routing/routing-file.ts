import { type Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

const Scalar = z.union([z.string().trim().min(1, { message: 'must not be empty' }), z.number()], {
  error: 'must be text or a list of text',
});
/** One value or a list of them, as text. */
const OneOrMany = z
  .union([Scalar, z.array(Scalar).min(1, { message: 'must list at least one value' })], {
    error: 'must be text or a list of text',
  })
  .transform((v) => (Array.isArray(v) ? v : [v]).map(String));

const MatchInput = z.strictObject({
  source: OneOrMany.optional(),
  tenant: OneOrMany.optional(),
  priority: OneOrMany.optional(),
  brand: OneOrMany.optional(),
  group: OneOrMany.optional(),
  ticketType: OneOrMany.optional(),
  /** A list is "any of"; `{any: […], all: […]}` says which. */
  tags: z
    .union([
      OneOrMany.transform((any) => ({ any, all: undefined })),
      z.strictObject({ any: OneOrMany.optional(), all: OneOrMany.optional() }),
    ])
    .optional(),
  /** A regular expression, matched case-insensitively anywhere in the subject. */
  subject: z.string({ error: 'must be a regular expression as text' }).min(1).optional(),
});

const RoomInput = z.strictObject({
  type: z.union([z.string(), z.number()], { error: 'must be a room type name or number' }).optional(),
  title: z.string({ error: 'must be a title template as text' }).optional(),
  /** `Logs,Findings`, a list of paths, or `none`. */
  folders: z.union([z.string(), z.array(z.string())], { error: 'must be a list of folder paths' }).optional(),
  /** The `ROOM_SHARE` entries, as a list. */
  share: z.array(z.unknown(), { error: 'must be a list like [{id: <uuid>, role: ContentCreator}]' }).optional(),
  options: z.record(z.string(), z.unknown(), { error: 'must be a map of room options' }).optional(),
  archiveOnSolve: z.boolean({ error: 'must be true or false' }).optional(),
});
export type RoomInput = z.infer<typeof RoomInput>;

export const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const RuleInput = z.strictObject({
  name: z
    .string({ error: 'is missing; give every rule a name' })
    .regex(RULE_NAME, { message: 'must be letters, digits, ".", "_" or "-", at most 63 characters' })
    .refine((n) => n !== 'default', { message: 'must not be "default", the name of what no rule matches' }),
  match: MatchInput.optional(),
  room: RoomInput.optional(),
  skip: z.boolean({ error: 'must be true or false' }).optional(),
});
export type RuleInput = z.infer<typeof RuleInput>;

export const RoutingFileInput = z.strictObject({
  rules: z.array(RuleInput, { error: 'must be a list of rules' }).default([]),
  default: z.strictObject({ room: RoomInput.optional(), skip: z.boolean().optional() }).optional(),
});
export type RoutingFileInput = z.infer<typeof RoutingFileInput>;

/** One mistake in the file: where (a path into it), and what. */
export interface FileProblem {
  path: ReadonlyArray<string | number>;
  message: string;
  /** Set when the position is known but not the path (a syntax error). */
  offset?: number;
}

/** The parsed text, with what it takes to turn a path or an offset into a line and a rule name. */
export interface RoutingText {
  value: unknown;
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
  lineAt(offset: number): number;
  /** The rule whose text holds `offset`: its index in `rules`, and its name if that could be read. */
  ruleAt(offset: number): { index: number; name: string | undefined } | undefined;
  problems: FileProblem[];
}

/**
 * Reads a routing file's text, YAML or JSON (JSON is YAML too, and the YAML parser knows lines).
 * Syntax errors come back as problems with their position; the value is whatever could be read.
 */
export function readRoutingText(text: string): RoutingText {
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: FileProblem[] = doc.errors.map((err) => ({
    path: [],
    message: (err.message.split('\n')[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, ''),
    offset: err.pos[0],
  }));
  const lineAt = (offset: number) => lines.linePos(offset).line;
  return {
    value: problems.length > 0 ? undefined : doc.toJS(),
    problems,
    lineAt,
    lineOf(path) {
      // The deepest node that exists on the path: a missing key is reported at its parent.
      for (let n = path.length; n >= 0; n -= 1) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineAt(node.range[0]);
      }
      return undefined;
    },
    ruleAt(offset) {
      const rules = isMap(doc.contents) ? doc.contents.get('rules', true) : undefined;
      if (!isSeq(rules)) return undefined;
      const index = rules.items.findIndex((item) => {
        const range = (item as { range?: [number, number, number] }).range;
        return range !== undefined && offset >= range[0] && offset <= range[2];
      });
      const item = rules.items[index];
      if (index < 0 || !isMap(item)) return undefined;
      const name = item.get('name');
      return { index, name: typeof name === 'string' ? name : undefined };
    },
  };
}
