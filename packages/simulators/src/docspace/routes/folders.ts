import type { FastifyInstance } from 'fastify';
import { entryDto, fileDto, folderDto, operationDto, pathParts, roomListingDto } from '../dto';
import { notFound } from '../errors';
import {
  bodyOf,
  ok,
  portalUrlOf,
  queryBool,
  queryInt,
  queryOf,
  querySortDescending,
  queryString,
  readBoolean,
  readString,
  routeId,
} from '../http';
import type { Entry } from '../portal';
import { ARCHIVE_FOLDER_ID, ROOMS_FOLDER_ID, TITLE_LIMIT } from '../rules';
import { API, ID, type RouteContext } from './context';

/** `FilterType` values that leave only files (FilesOnly, DocumentsOnly, …); FoldersOnly is 2. */
const FILE_FILTERS = new Set([1, 3, 4, 5, 6, 7, 10, 11, 12, 22, 23]);

/** Folders: create, read, and list a room's or folder's contents. */
export function folderRoutes(app: FastifyInstance, { portal, files, publicUrl }: RouteContext): void {
  app.post(`${API}/files/folder/${ID}`, async (req, reply) => {
    const title = readString(bodyOf(req), 'title', { required: true, max: TITLE_LIMIT.folder })!;
    const folder = portal.createFolder(routeId(req), title);
    return ok(req, reply, publicUrl, folderDto(portal, folder, portalUrlOf(req, publicUrl)));
  });

  // `RenameFolder` (FoldersController.cs) → `FileStorageService.FolderRenameAsync`; the body is
  // `CreateFolderRequestDto`, so the same title rules apply.
  app.put(`${API}/files/folder/${ID}`, async (req, reply) => {
    const title = readString(bodyOf(req), 'title', { required: true, max: TITLE_LIMIT.folder })!;
    const entry = portal.renameFolder(routeId(req), title);
    return ok(req, reply, publicUrl, entryDto(portal, entry, portalUrlOf(req, publicUrl)));
  });

  // `DeleteFolder` (FoldersController.cs): the `{deleteAfter, immediately}` body is required, and
  // the answer is a list of operations.
  app.delete(`${API}/files/folder/${ID}`, async (req, reply) => {
    const body = bodyOf(req);
    readBoolean(body, 'deleteAfter');
    readBoolean(body, 'immediately');
    const op = portal.startOperation('deleteFolder', routeId(req));
    return ok(req, reply, publicUrl, [operationDto(op)]);
  });

  app.get(`${API}/files/folder/${ID}`, async (req, reply) => {
    const entry = portal.entry(routeId(req));
    if (!entry) throw notFound();
    return ok(req, reply, publicUrl, entryDto(portal, entry, portalUrlOf(req, publicUrl)));
  });

  app.get(`${API}/files/${ID}/subfolders`, async (req, reply) => {
    const entry = portal.entry(routeId(req));
    if (!entry) throw notFound();
    const portalUrl = portalUrlOf(req, publicUrl);
    const folders = portal.listFolders(entry, {
      withSubFolders: false,
      sortBy: 'DateAndTimeCreation',
      descending: false,
    });
    return ok(
      req,
      reply,
      publicUrl,
      folders.map((f) => folderDto(portal, f, portalUrl)),
    );
  });

  app.get(`${API}/files/${ID}`, async (req, reply) => {
    const id = routeId(req);
    const q = queryOf(req);
    const count = queryInt(q, 'count', 100, { min: 1, max: 100 });
    const startIndex = Math.max(0, queryInt(q, 'startIndex', 0));
    const portalUrl = portalUrlOf(req, publicUrl);
    const filterValue = queryString(q, 'filterValue');
    const sortBy = queryString(q, 'sortBy');
    const descending = querySortDescending(q, true);

    // The Rooms and Archive sections are folders too.
    if (id === ROOMS_FOLDER_ID || id === ARCHIVE_FOLDER_ID) {
      const rooms = portal.findRooms({
        searchArea: id === ARCHIVE_FOLDER_ID ? 1 : 0,
        descending,
        ...(filterValue ? { filterValue } : {}),
        ...(sortBy ? { sortBy } : {}),
      });
      return ok(
        req,
        reply,
        publicUrl,
        roomListingDto(portal, { archive: id === ARCHIVE_FOLDER_ID, rooms, startIndex, count, portalUrl }),
      );
    }

    const entry: Entry | undefined = portal.entry(id);
    if (!entry) throw notFound();
    const filterType = queryInt(q, 'filterType', 0);
    const applyFilterOption = queryInt(q, 'applyFilterOption', 0);
    // FoldersOnly (2) leaves out files; a files filter leaves out folders. Folders come first, then files.
    const filesOnly = FILE_FILTERS.has(filterType) || applyFilterOption === 1;
    const foldersOnly = filterType === 2 || applyFilterOption === 2;
    const folders = filesOnly
      ? []
      : portal.listFolders(entry, {
          withSubFolders: queryBool(q, 'withSubFolders', true),
          descending,
          ...(filterValue ? { filterValue } : {}),
          ...(sortBy ? { sortBy } : {}),
        });
    const text = filterValue?.trim().toLowerCase();
    const fileList = foldersOnly
      ? []
      : files.filesIn(entry.id).filter((f) => !text || f.title.toLowerCase().includes(text));
    const all = [...folders.map((f) => ({ folder: f })), ...fileList.map((f) => ({ file: f }))];
    const page = all.slice(startIndex, startIndex + count);
    return ok(req, reply, publicUrl, {
      files: page.flatMap((e) => ('file' in e ? [fileDto(portal, e.file, portalUrl)] : [])),
      folders: page.flatMap((e) => ('folder' in e ? [folderDto(portal, e.folder, portalUrl)] : [])),
      current: entryDto(portal, entry, portalUrl),
      pathParts: pathParts(portal, entry),
      startIndex,
      count: page.length,
      total: all.length,
      new: 0,
    });
  });
}
