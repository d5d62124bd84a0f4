import { readFileSync } from 'node:fs';
import { parseRoomType, type RoomType } from '@ticket-rooms/docspace-client';
import { parseRoomOptions } from '../config/room-options';
import type { RoomSettings } from '../stages/context';
import { parseFolderPaths } from '../stages/folder-plan';
import { parseShareEntries, roleProblems, type ShareEntry } from '../stages/share-plan';
import { titleTemplateProblem } from '../stages/title';
import { compileMatch, matches, type RoutableTicket, type RuleMatch } from './match';
import { type FileProblem, type RoomInput, RoutingFileInput, type RoutingText, readRoutingText } from './routing-file';

/** The name under which tickets no rule matches are recorded. */
export const DEFAULT_RULE = 'default';

/** One rule, compiled: what it matches and the room settings it gives (`skip`: none). */
export interface RouteRule {
  name: string;
  /** `undefined` for the default, which takes every ticket no rule took. */
  match: RuleMatch | undefined;
  settings: RoomSettings & { rule: string; skip: boolean };
}

/**
 * The rules that pick a ticket's room settings: the first rule whose conditions all hold, else
 * the default. Without a routing file there are no rules and the default is the ROOM_* variables.
 */
export class Routing {
  private readonly byName: ReadonlyMap<string, RouteRule>;

  constructor(
    readonly rules: readonly RouteRule[],
    readonly fallback: RouteRule,
    /** The file the rules came from; `undefined` when there is none. */
    readonly file?: string,
  ) {
    this.byName = new Map([...rules, fallback].map((r) => [r.name, r]));
  }

  /** The rule a new ticket gets. */
  pick(ticket: RoutableTicket): RouteRule {
    return this.rules.find((r) => r.match !== undefined && matches(r.match, ticket)) ?? this.fallback;
  }

  /**
   * The settings of the rule a ticket was routed by. A ticket keeps its rule for its whole life;
   * one whose rule has since left the file gets the default's for the stages it still has to run.
   */
  settingsFor(rule: string | undefined): RouteRule['settings'] {
    return (rule === undefined ? undefined : this.byName.get(rule))?.settings ?? this.fallback.settings;
  }

  has(rule: string): boolean {
    return this.byName.has(rule);
  }
}

/** Routing without a file: every ticket gets the ROOM_* settings, recorded as `default`. */
export function routingOf(base: RoomSettings): Routing {
  return new Routing([], {
    name: DEFAULT_RULE,
    match: undefined,
    settings: { ...base, rule: DEFAULT_RULE, skip: false },
  });
}

type At = ReadonlyArray<string | number>;

/** Settings of a rule (or the default): what its `room` sets, the rest from `base`. */
function settingsOf(
  room: RoomInput | undefined,
  base: RoomSettings,
  at: At,
  problems: FileProblem[],
): Omit<RoomSettings, 'rule' | 'skip'> {
  const report = (field: string, message: string) => problems.push({ path: [...at, field], message });
  let type: RoomType = base.type;
  if (room?.type !== undefined) {
    try {
      type = parseRoomType(room.type);
    } catch (err) {
      report('type', (err as Error).message);
    }
  }
  const titleTemplate = room?.title ?? base.titleTemplate;
  const titleProblem = room?.title === undefined ? undefined : titleTemplateProblem(room.title);
  if (titleProblem) report('title', titleProblem);
  let folders = base.folders;
  if (room?.folders !== undefined) {
    const raw = Array.isArray(room.folders)
      ? room.folders.length === 0
        ? 'none'
        : room.folders.join(',')
      : room.folders;
    const parsed = parseFolderPaths(raw);
    for (const p of parsed.problems) report('folders', p);
    folders = parsed.nodes;
  }
  // The share is checked against this rule's room type, whether the rule or the base set it.
  let entries: ShareEntry[] = base.share.map((s, index) => ({ ...s, index }));
  const shareFrom = room?.share === undefined ? 'share (from the default)' : 'share';
  if (room?.share !== undefined) {
    const parsed = parseShareEntries(JSON.stringify(room.share));
    for (const p of parsed.problems) report('share', p);
    entries = parsed.entries;
  }
  for (const p of roleProblems(entries, type)) report(shareFrom, p);
  let options = base.options;
  if (room?.options !== undefined) {
    const parsed = parseRoomOptions(room.options);
    for (const p of parsed.problems) report('options', p);
    options = { ...base.options, ...parsed.options };
  }
  const archiveOnSolve = room?.archiveOnSolve ?? base.archiveOnSolve;
  // A rule's archiveOnSolve adds `solved` to the statuses that archive its rooms, or takes it out.
  const archiveOn = new Set(base.lifecycle.archiveOn);
  if (archiveOnSolve === true) archiveOn.add('solved');
  if (archiveOnSolve === false) archiveOn.delete('solved');
  return {
    lifecycle: { ...base.lifecycle, archiveOn },
    type,
    titleTemplate,
    folders,
    share: entries.map(({ index: _, ...target }) => target),
    ...(options === undefined ? {} : { options }),
    ...(archiveOnSolve === undefined ? {} : { archiveOnSolve }),
  };
}

/** Compiles a parsed routing file over the ROOM_* settings; the problems carry paths into the file. */
export function compileRouting(
  input: RoutingFileInput,
  base: RoomSettings,
  file?: string,
): { routing: Routing; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const fallbackSettings = settingsOf(input.default?.room, base, ['default', 'room'], problems);
  const fallback: RouteRule = {
    name: DEFAULT_RULE,
    match: undefined,
    settings: { ...fallbackSettings, rule: DEFAULT_RULE, skip: input.default?.skip ?? false },
  };
  const seen = new Set<string>();
  const rules = input.rules.map((rule, i): RouteRule => {
    const at = ['rules', i];
    if (seen.has(rule.name)) problems.push({ path: [...at, 'name'], message: `the name ${rule.name} is used twice` });
    seen.add(rule.name);
    if (rule.skip && rule.room !== undefined) {
      problems.push({ path: [...at, 'room'], message: 'skip: true makes no room, so room settings would never apply' });
    }
    const { match, problems: matchProblems } = compileMatch(rule.match ?? {});
    for (const p of matchProblems) problems.push({ path: [...at, 'match', p.field], message: p.message });
    const settings = settingsOf(rule.room, fallbackSettings, [...at, 'room'], problems);
    return { name: rule.name, match, settings: { ...settings, rule: rule.name, skip: rule.skip ?? false } };
  });
  return { routing: new Routing(rules, fallback, file), problems };
}

/** `rules.2.room.share` → `room.share`: a field's path inside its rule. */
function fieldOf(path: At): string {
  const inRule = path[0] === 'rules' && typeof path[1] === 'number' ? path.slice(2) : path;
  return inRule.map(String).join('.');
}

/** One sentence per problem: the file and line, the rule by name, the field, what is wrong. */
function describe(problem: FileProblem, text: RoutingText, file: string): string {
  const { path } = problem;
  const line = problem.offset !== undefined ? text.lineAt(problem.offset) : text.lineOf(path);
  const at = problem.offset === undefined ? undefined : text.ruleAt(problem.offset);
  const index = at?.index ?? (path[0] === 'rules' && typeof path[1] === 'number' ? path[1] : undefined);
  const rules = (text.value as { rules?: unknown } | undefined)?.rules;
  const raw = typeof index === 'number' && Array.isArray(rules) ? (rules[index] as { name?: unknown }) : undefined;
  const name = at?.name ?? (typeof raw?.name === 'string' ? raw.name : undefined);
  const rule =
    index === undefined
      ? path[0] === 'default'
        ? 'the default'
        : ''
      : name !== undefined
        ? `rule "${name}"`
        : `rule ${index + 1}`;
  const field = fieldOf(path);
  const where = [`${file}${line === undefined ? '' : ` line ${line}`}`, rule].filter(Boolean).join(', ');
  const message = problem.message.replace(/\.$/, '');
  return `ROUTING_FILE: ${where}: ${field ? `${field}: ` : ''}${message}.`;
}

/**
 * Reads and checks a routing file's text. Problems are sentences like `ROUTING_FILE: routing.yaml
 * line 12, rule "security-urgent": room.share: entry 0: a group cannot be RoomManager …`.
 */
export function routingFromText(
  text: string,
  base: RoomSettings,
  file = 'routing file',
): { routing: Routing | undefined; problems: string[] } {
  const read = readRoutingText(text);
  if (read.problems.length > 0)
    return { routing: undefined, problems: read.problems.map((p) => describe(p, read, file)) };
  const parsed = RoutingFileInput.safeParse(read.value ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      describe({ path: issue.path as At, message: issue.message }, read, file),
    );
    return { routing: undefined, problems };
  }
  const { routing, problems } = compileRouting(parsed.data, base, file);
  return problems.length > 0
    ? { routing: undefined, problems: problems.map((p) => describe(p, read, file)) }
    : { routing, problems: [] };
}

/** Reads `ROUTING_FILE`; a file that cannot be read is one problem naming it. */
export function loadRouting(file: string, base: RoomSettings): { routing: Routing | undefined; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (err as Error).message})`;
    return { routing: undefined, problems: [`ROUTING_FILE: ${file} ${why}.`] };
  }
  return routingFromText(text, base, file);
}
