export {
  ConfigError,
  loadWorkerConfig,
  type WorkerConfig,
  WorkerEnv,
  WRITE_BACK_VARIABLES,
  type WriteBackVendor,
} from './config/config';
export {
  type LedgerEntry,
  type LedgerLink,
  type LedgerNote,
  type LedgerRoom,
  STAGES,
  type StageName,
  type StageState,
  type TicketState,
} from './ledger/entry';
export { Ledger } from './ledger/ledger';
export { WorkerMetrics } from './metrics/metrics';
export { DEFAULT_RETRY_POLICY, minimumRetryWindowMs, type RetryPolicy } from './pipeline/retry-policy';
export { noteJobId, type RoomJobProgress, type RoomJobResult } from './pipeline/room-processor';
export { type RunningWorker, type StartWorkerOptions, startWorker } from './worker';
