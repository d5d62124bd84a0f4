export * from './docspace/index';
export * from './zendesk/index';
export * from './freshdesk/index';
export * from './jira/index';
