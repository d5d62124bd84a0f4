export * from './docspace/index';
export * from './freshdesk/index';
export * from './jira/index';
export * from './sender/index';
export type { WebhookTarget } from './shared/webhooks';
export * from './start';
export * from './zendesk/index';
