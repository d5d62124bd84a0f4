export * from './docspace/index';
