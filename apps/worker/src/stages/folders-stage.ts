import { z } from 'zod';
import { defineStage, skipped } from './context';
import { groupByParent, matchFolders } from './folder-plan';
import { roomOf, roomStage } from './room-stage';

/** Folder path (`Logs/App`) → DocSpace folder id. */
export const FolderIds = z.record(z.string(), z.number().int());
export type FolderIds = z.infer<typeof FolderIds>;

/**
 * The folders: list what each parent holds and create only what is missing, so a retry after a
 * lost answer finds the folder it made instead of making another. A room created in this very
 * run is known to be empty and is not listed.
 */
export const foldersStage = defineStage({
  name: 'folders',
  field: 'folders',
  result: FolderIds,
  lane: 'docspace',
  async run(ctx) {
    const room = roomOf(ctx, 'folders');
    if (room.archived) {
      return skipped(`room ${room.id} is archived, and DocSpace does not add folders to archived rooms`);
    }
    if (ctx.settings.folders.length === 0) return skipped('ROOM_FOLDERS is none');
    const ids: FolderIds = {};
    const created: string[] = [];
    const found: string[] = [];
    // Parents known to be empty: the room when we just created it, and every folder we create.
    const freshRoom = ctx.ranThisRun(roomStage) && room.origin === 'created';
    const empty = new Set<string | undefined>(freshRoom ? [undefined] : []);
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
      state: 'done',
      result: ids,
      summary: parts.filter(Boolean).join('; '),
      details: { roomId: room.id, folders: ids, created: created.length, found: found.length },
    };
  },
});
