export { ConfigError, type Env, httpUrlVariable, loadConfig, looksSecret, QUEUE_ENV } from './config';
export { basicAuthHeader, parseBasicAuth, parseBearer } from './crypto/basic-auth';
export { safeEqual, safeEqualsAny, signatureMatchesAny } from './crypto/safe-equal';
export {
  type DesiredValue,
  desiredField,
  desiredValues,
  eventTime,
  LEDGER_IDENTITY,
  prepareDesiredState,
  recordAndRead,
  recordDesired,
} from './desired-state';
export {
  backoffMs,
  codeForStatus,
  isRetryableStatus,
  isVendorError,
  parseRetryAfter,
  VendorError,
  type VendorErrorCode,
  type VendorErrorInit,
} from './errors';
export {
  buildUrl,
  createHttpTransport,
  errorFromResponse,
  type FetchLike,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type HttpTransportOptions,
  isTimeoutError,
  keepAliveAgent,
  requestFetch,
} from './http';
export {
  ALL_QUEUE_NAMES,
  ATTACHMENT_COPY_JOB_NAME,
  ATTACHMENT_SYNC_JOB_NAME,
  AttachmentCopyJobData,
  AttachmentSyncJobData,
  attachmentCopyJobId,
  attachmentSyncJobId,
  DEFAULT_QUEUE_PREFIX,
  JOB_CATALOGUE,
  type JobSpec,
  jobSpecOf,
  ledgerKey,
  NOTE_JOB_NAME,
  NoteJobData,
  type NotesQueueName,
  notesQueueFor,
  QUEUE_NAMES,
  type QueueName,
  ROOM_JOB_NAME,
  RoomJobData,
  roomJobOptions,
} from './jobs';
export { fieldKind, LEDGER_FIELDS, reasonField, stageField } from './ledger/layout';
export { repairEvent } from './ledger/repair';
export {
  type FoundTicket,
  findTickets,
  recordFromHash,
  STAGE_DISPLAY_ORDER,
  scanPrefix,
  type TicketJob,
  type TicketQuery,
  type TicketRecord,
  ticketJobs,
} from './ledger/ticket-record';
export { type CreateLoggerOptions, createLogger, exitAfterFlush, type Logger, REDACT_PATHS } from './logger';
export { createRedis, describeRedisUrl, type RedisConnectionOptions } from './redis';
export { confirmReplicas } from './redis-replicas';
export { findRedisServer, freePort, LocalRedis, type LocalRedisOptions, REDIS_MISSING_MESSAGE } from './redis-server';
export {
  allPrefixes,
  connectionFor,
  createRedisClient,
  describeTopology,
  type HostPort,
  isCluster,
  keySlot,
  parseHostPorts,
  prefixFor,
  type RedisClient,
  type RedisTopology,
  type ShardLayout,
  shardFor,
  shardLayout,
  shardPrefixes,
  TOPOLOGY_ENV,
  type TopologyEnv,
  topologyFromEnv,
  topologyProblems,
} from './redis-topology';
export { probeWritable, type RedisEvent, type WatchRedisOptions, watchRedis } from './redis-watch';
export {
  DocspaceWebhookPayload,
  FINDINGS_NOTE_JOB_NAME,
  FindingsNoteJobData,
  fileIdsDigest,
  findingsNoteJobId,
  ROOM_FILE_JOB_NAME,
  ROOM_FILE_TRIGGERS,
  ROOM_FILES_QUEUE,
  RoomFileJobData,
  roomFileJobId,
  roomFileJobOptions,
  verifyDocspaceSignature,
} from './room-file';
export {
  EventKind,
  isTicketPriority,
  isTicketStatus,
  Requester,
  Source,
  TicketEvent,
  TicketPriority,
  TicketStatus,
  TrackedField,
  WriteBackSource,
} from './ticket-event';
export { roomTag, type TicketRef, ticketKey, ticketKeyPattern } from './ticket-key';
