import type { TicketEvent } from '@ticket-rooms/core';
import type { DocspaceClient, RoomOptions, RoomType } from '@ticket-rooms/docspace-client';
import type { LedgerEntry, LedgerUpdate } from '../ledger/entry';
import type { FolderNode } from './folder-plan';
import type { ShareTarget } from './share-plan';

/** The part of the DocSpace client the stages use. */
export type DocspacePort = Pick<
  DocspaceClient,
  | 'findRoomsByTag'
  | 'createRoom'
  | 'listFolders'
  | 'createFolder'
  | 'setRoomAccess'
  | 'getPrimaryLink'
  | 'listRoomLinks'
  | 'setRoomLink'
  | 'roomPortalUrl'
>;

export interface RoomSettings {
  type: RoomType;
  titleTemplate: string;
  folders: readonly FolderNode[];
  share: readonly ShareTarget[];
  /** Settings stored with every new room (ROOM_INDEXING, ROOM_DENY_DOWNLOAD, ROOM_COLOR, …). */
  options?: RoomOptions;
}

export interface StageContext {
  event: TicketEvent;
  /** The ledger as it stands, with the results of the stages before this one. */
  entry: LedgerEntry;
  docspace: DocspacePort;
  settings: RoomSettings;
  /** The room was created earlier in this same run, so it is known to be empty. */
  freshRoom: boolean;
  /**
   * Called right before every request that creates something. It throws when this worker no
   * longer owns the job (its lock expired and another worker may be running it), so two workers
   * never create the same thing side by side. It checks with Redis once per stage.
   */
  beforeCreate(): Promise<void>;
}

/** What a stage did: the ledger update, a line for the job log and fields for the log line. */
export interface StageResult {
  update: LedgerUpdate;
  summary: string;
  details?: Record<string, unknown>;
  /** Something an operator should look at, though the stage succeeded. */
  warning?: string;
}
