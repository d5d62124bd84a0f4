export {
  ConfigError,
  loadWorkerConfig,
  type WorkerConfig,
  WorkerEnv,
  WRITE_BACK_VARIABLES,
  type WriteBackVendor,
} from './config/config';
export type {
  LedgerEntry,
  LedgerLink,
  LedgerNote,
  LedgerRoom,
  StageName,
  StageState,
  TicketState,
} from './ledger/entry';
export { Ledger } from './ledger/ledger';
export { WorkerMetrics } from './metrics/metrics';
export { isReconciling, PIPELINES, STAGES, stageLabel } from './pipeline/pipelines';
export { DEFAULT_RETRY_POLICY, minimumRetryWindowMs, type RetryPolicy } from './pipeline/retry-policy';
export { noteJobId, type RoomJobProgress, type RoomJobResult } from './pipeline/room-processor';
export type { CheckResult } from './preflight/checks';
export { PREFLIGHT_USAGE, runPreflightCli } from './preflight/cli';
export { runPreflight } from './preflight/preflight';
export { describeRoute, type RouteDescription } from './routing/describe';
export { DEFAULT_RULE, type RouteRule, Routing, routingFromText } from './routing/routing';
export { type RunningWorker, type StartWorkerOptions, startWorker } from './worker';
