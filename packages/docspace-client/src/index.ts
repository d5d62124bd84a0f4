export { AccessRole, accessRoleName, isAccessRole, parseAccessRole, rolesFor } from './access-role';
export {
  type CreateRoomInput,
  createDocspaceClient,
  type DocspaceClient,
  type FindOptions,
  type FolderPlace,
  type Invitation,
  LinkType,
  type RoomAccessResult,
  type RoomLinkInput,
  type RoomOptions,
  type UploadInput,
} from './client';
export { DocspaceError, type DocspaceErrorInit, isDocspaceError, toDocspaceError, vendorMessageOf } from './errors';
export type { DocspaceClientOptions, DocspaceLogger } from './options';
export {
  allowsExternalLinks,
  isRoomType,
  parseRoomType,
  ROOM_TYPES,
  RoomType,
  roomTypeCanShare,
  roomTypeName,
} from './room-type';
export {
  ARCHIVE_FOLDER_TYPE,
  type DocspaceGroup,
  type DocspaceUser,
  type Folder,
  type Room,
  type RoomLink,
  type RoomMember,
} from './schemas';
export { sanitizeTitle, TITLE_LIMITS } from './title';
export { DEFAULT_CHUNK_BYTES, type DocspaceFile, type DocspaceFileInfo, sanitizeFileTitle } from './upload';
export { portalBase, roomPortalUrl } from './urls';
export { type Webhook, type WebhookInput, WebhookTrigger } from './webhooks';
