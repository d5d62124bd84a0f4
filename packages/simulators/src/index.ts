export * from './docspace/index';
export * from './freshdesk/index';
export * from './jira/index';
export * from './sender/index';
export * from './start';
export * from './zendesk/index';
