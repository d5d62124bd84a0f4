import { sanitizeTitle } from '@ticket-rooms/docspace-client';

export const DEFAULT_FOLDERS = ['Logs', 'Attachments', 'Findings'] as const;

/** One folder to have in the room. Parents always come before their children in a plan. */
export interface FolderNode {
  /** `Logs/App`: the titles from the room down, as DocSpace will store them. */
  path: string;
  title: string;
  /** Path of the parent folder; `undefined` for a folder directly in the room. */
  parent: string | undefined;
}

/**
 * Reads `ROOM_FOLDERS`: comma-separated paths, `/` between levels (`Logs/App`). Each level gets
 * DocSpace's title rules, so the plan holds exactly the titles the server will return. Parents
 * that are only implied (`Logs` in `Logs/App`) are planned too.
 */
export function parseFolderPaths(raw: string): { nodes: FolderNode[]; problems: string[] } {
  const problems: string[] = [];
  const byPath = new Map<string, FolderNode>();
  if (/^\s*none\s*$/i.test(raw)) return { nodes: [], problems };
  for (const item of raw.split(',')) {
    if (item.trim() === '') continue;
    const segments = item.split('/').map((s) => s.trim());
    if (segments.some((s) => s === '')) {
      problems.push(`"${item.trim()}" has an empty folder name; write paths like Logs/App`);
      continue;
    }
    let parent: string | undefined;
    for (const segment of segments) {
      const title = sanitizeTitle(segment, 'folder');
      const path = parent === undefined ? title : `${parent}/${title}`;
      if (!byPath.has(path)) byPath.set(path, { path, title, parent });
      parent = path;
    }
  }
  // Shallow first, then in the order given: parents exist before their children are created.
  const nodes = [...byPath.values()].sort((a, b) => depth(a.path) - depth(b.path));
  return { nodes, problems };
}

function depth(path: string): number {
  return path.split('/').length;
}

export interface ExistingFolder {
  id: number;
  title: string;
}

/**
 * Which of the wanted titles already exist among a folder's children. Titles are compared
 * exactly: DocSpace's own search is a substring match, and `Logs` must not match `Old Logs`. When
 * an earlier run left two folders with one title, the oldest (lowest id) is the one we keep using.
 */
export function matchFolders(
  wanted: readonly string[],
  existing: readonly ExistingFolder[],
): { found: Map<string, number>; missing: string[] } {
  const found = new Map<string, number>();
  for (const folder of existing) {
    if (!wanted.includes(folder.title)) continue;
    const seen = found.get(folder.title);
    if (seen === undefined || folder.id < seen) found.set(folder.title, folder.id);
  }
  return { found, missing: wanted.filter((t) => !found.has(t)) };
}

/** The plan's nodes grouped by parent, parents first: one listing per parent folder. */
export function groupByParent(
  nodes: readonly FolderNode[],
): Array<{ parent: string | undefined; children: FolderNode[] }> {
  const groups = new Map<string | undefined, FolderNode[]>();
  for (const node of nodes) {
    const list = groups.get(node.parent) ?? [];
    list.push(node);
    groups.set(node.parent, list);
  }
  return [...groups.entries()].map(([parent, children]) => ({ parent, children }));
}
