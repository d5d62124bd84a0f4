export * from './docspace/index';
export * from './zendesk/index';
