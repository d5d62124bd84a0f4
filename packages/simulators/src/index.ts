export * from './docspace/index';
export * from './freshdesk/index';
export * from './jira/index';
export * from './sender/index';
export * from './zendesk/index';
