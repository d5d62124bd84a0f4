export { SIM_GROUPS, SIM_USERS, type SimGroup, type SimUser } from './directory';
export type { Portal } from './portal';
export type { UserType } from './rules';
export {
  createDocspaceSimulator,
  type DocspaceSimulator,
  type DocspaceSimulatorOptions,
  generateApiKey,
} from './simulator';
export { docspaceSignature, WEBHOOK_TRIGGERS, type WebhookFaults } from './webhooks/sender';
