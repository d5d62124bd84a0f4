export { buildApp, type ReceiverDeps } from './app';
export { parseByteSize } from './config/byte-size';
export { type DashboardCredentials, loadReceiverConfig, type ReceiverConfig, ReceiverEnv } from './config/config';
export { RECEIVER_ERRORS, RETRY_AFTER_SECONDS, ReceiverError, type ReceiverErrorName, wireCode } from './http/errors';
export { createTicketIntake, type IntakeResult, seenKey, type TicketIntake } from './intake/ticket-intake';
export { createReceiverLogger } from './observability/logger';
export { DASHBOARD_PATH } from './routes/dashboard';
export { WEBHOOK_ROUTES } from './routes/webhooks';
export { type RunningReceiver, type StartReceiverOptions, startReceiver } from './start';
