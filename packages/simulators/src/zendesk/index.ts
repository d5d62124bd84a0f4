export { createZendeskSimulator, type ZendeskSimulator, type ZendeskSimulatorOptions } from './simulator';
export type { ZendeskComment, ZendeskStore, ZendeskTicket } from './store';
