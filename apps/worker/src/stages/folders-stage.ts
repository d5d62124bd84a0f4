import type { StageContext, StageResult } from './context';
import { groupByParent, matchFolders } from './folder-plan';

/**
 * Stage 2, the folders: list what each parent holds and create only what is missing, so a retry
 * after a lost answer finds the folder it made instead of making another. A room created in this
 * very run is known to be empty and is not listed.
 */
export async function runFoldersStage(ctx: StageContext): Promise<StageResult> {
  const room = ctx.entry.room;
  if (!room) throw new Error('folders stage without a room in the ledger');
  if (room.archived) {
    const reason = `room ${room.id} is archived, and DocSpace does not add folders to archived rooms`;
    return {
      update: { stage: { name: 'folders', state: 'skipped', reason }, lastError: null },
      summary: `skipped: ${reason}`,
    };
  }
  if (ctx.settings.folders.length === 0) {
    const reason = 'ROOM_FOLDERS is none';
    return {
      update: { stage: { name: 'folders', state: 'skipped', reason }, lastError: null },
      summary: `skipped: ${reason}`,
    };
  }
  const ids: Record<string, number> = {};
  const created: string[] = [];
  const found: string[] = [];
  // Parents known to be empty: the room when we just created it, and every folder we create.
  const empty = new Set<string | undefined>(ctx.freshRoom ? [undefined] : []);
  for (const group of groupByParent(ctx.settings.folders)) {
    const parentId = group.parent === undefined ? room.id : ids[group.parent];
    if (parentId === undefined) throw new Error(`folder plan lists ${group.parent} after its children`);
    const existing = empty.has(group.parent) ? [] : await ctx.docspace.listFolders(parentId);
    const match = matchFolders(
      group.children.map((c) => c.title),
      existing,
    );
    for (const child of group.children) {
      const id = match.found.get(child.title);
      if (id !== undefined) {
        ids[child.path] = id;
        found.push(`${child.path}=${id}`);
        continue;
      }
      await ctx.beforeCreate();
      const folder = await ctx.docspace.createFolder(parentId, child.title);
      ids[child.path] = folder.id;
      created.push(`${child.path}=${folder.id}`);
      empty.add(child.path);
    }
  }
  const parts = [
    created.length > 0 ? `created ${created.join(', ')}` : '',
    found.length > 0 ? `found ${found.join(', ')}` : '',
  ];
  return {
    update: { stage: { name: 'folders', state: 'done' }, folders: ids, lastError: null },
    summary: parts.filter(Boolean).join('; '),
    details: { roomId: room.id, folders: ids, created: created.length, found: found.length },
  };
}
