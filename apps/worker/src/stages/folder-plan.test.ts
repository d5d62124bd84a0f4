import { describe, expect, it } from 'vitest';
import { DEFAULT_FOLDERS, groupByParent, matchFolders, parseFolderPaths } from './folder-plan';

describe('parseFolderPaths', () => {
  it('reads the default set', () => {
    const { nodes, problems } = parseFolderPaths(DEFAULT_FOLDERS.join(','));
    expect(problems).toEqual([]);
    expect(nodes.map((n) => n.path)).toEqual(['Logs', 'Attachments', 'Findings']);
  });

  it('plans implied parents before their children, once each', () => {
    const { nodes } = parseFolderPaths('Logs/App, Logs/DB ,Findings,Logs');
    expect(nodes).toEqual([
      { path: 'Logs', title: 'Logs', parent: undefined },
      { path: 'Findings', title: 'Findings', parent: undefined },
      { path: 'Logs/App', title: 'App', parent: 'Logs' },
      { path: 'Logs/DB', title: 'DB', parent: 'Logs' },
    ]);
  });

  it('applies DocSpace title rules to each level', () => {
    const { nodes } = parseFolderPaths('Logs: raw?');
    expect(nodes[0]?.title).toBe('Logs_ raw_');
  });

  it('reports empty levels and accepts "none"', () => {
    expect(parseFolderPaths('Logs//App').problems).toHaveLength(1);
    expect(parseFolderPaths('none')).toEqual({ nodes: [], problems: [] });
  });
});

describe('matchFolders', () => {
  it('matches titles exactly, not as substrings', () => {
    const { found, missing } = matchFolders(['Logs', 'Findings'], [{ id: 7, title: 'Old Logs' }]);
    expect(found.size).toBe(0);
    expect(missing).toEqual(['Logs', 'Findings']);
  });

  it('keeps the oldest of two folders with one title', () => {
    const { found, missing } = matchFolders(
      ['Logs', 'Findings'],
      [
        { id: 12, title: 'Logs' },
        { id: 9, title: 'Logs' },
      ],
    );
    expect(found.get('Logs')).toBe(9);
    expect(missing).toEqual(['Findings']);
  });
});

describe('groupByParent', () => {
  it('lists each parent once, parents first', () => {
    const groups = groupByParent(parseFolderPaths('Logs/App,Findings,Logs/DB').nodes);
    expect(groups.map((g) => [g.parent, g.children.map((c) => c.title)])).toEqual([
      [undefined, ['Logs', 'Findings']],
      ['Logs', ['App', 'DB']],
    ]);
  });
});
