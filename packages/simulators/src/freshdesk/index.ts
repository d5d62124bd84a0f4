export { createFreshdeskSimulator, type FreshdeskSimulator, type FreshdeskSimulatorOptions } from './simulator';
export type { FreshdeskConversation, FreshdeskStore, FreshdeskTicket } from './store';
