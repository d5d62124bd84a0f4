// The helpdesk registry: one adapter per vendor folder, which every app and tool iterates.
export type {
  HelpdeskAdapter,
  RandomBytes,
  WriteBack,
  WriteBackSettings,
  WriterDeps,
} from './adapter';
export type { AttachmentDownload, AttachmentReader, TicketAttachment } from './attachments/reader';
export type { Backfill, ListedTicket, ListQuery, TicketLister, TicketPage } from './backfill/lister';
export {
  FRESHDESK_AUTOMATION_BODY_TEMPLATE,
  FRESHDESK_EVENTS,
  FRESHDESK_STATUSES,
  FRESHDESK_UPDATE_BODY_TEMPLATE,
  FreshdeskAutomationBody,
} from './freshdesk/payload';
// Write-back: the room link as an internal note, read back first so it is never posted twice.
export { createFreshdeskWriter, type FreshdeskWriterOptions, freshdeskErrorMessage } from './freshdesk/writer';
export { GENERIC_EVENTS, GENERIC_STATUSES, GenericTicketPayload } from './generic/payload';
export {
  signStandardWebhook,
  standardWebhooksKey,
  verifyStandardWebhook,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from './generic/signature';
export { splitList } from './inbound/list';
export { isoTime, normalizeStatus, type StatusTable } from './inbound/normalize';
export { renderTemplate, type TemplateReader, templateReader } from './inbound/template';
export {
  DEFAULT_TOLERANCE_SECONDS,
  type InboundConfig,
  type InboundEvent,
  type InboundOutcome,
  type InboundRequest,
  type Rejection,
  type RejectionCode,
  TOKEN_HEADER,
} from './inbound/types';
export { JIRA_IDENTIFIER_HEADER } from './jira/inbound';
export {
  JIRA_ISSUE_CREATED,
  JIRA_ISSUE_DELETED,
  JIRA_ISSUE_UPDATED,
  JIRA_STATUS_CATEGORIES,
  JIRA_STATUS_NAMES,
  JiraIssueWebhook,
} from './jira/payload';
export { JIRA_SIGNATURE_HEADER, signJira, verifyJiraSignature } from './jira/signature';
export { createJiraWriter, type JiraWriterOptions, jiraErrorMessage } from './jira/writer';
export type { AccountCheck } from './notes/account';
export { carriesMarker, escapeHtml, type Note, type NoteWriter, noteMarker, renderRoomNote } from './notes/note';
export {
  findHelpdesk,
  HELPDESK_ROUTES,
  HELPDESKS,
  helpdeskAdapter,
  helpdeskRedactPaths,
  WRITE_BACK_HELPDESKS,
  type WriteBackHelpdesk,
} from './registry/helpdesks';
export { inboundConfigFromEnv, inboundVariables } from './registry/inbound-config';
// Inbound: webhook deliveries from each helpdesk, checked and normalized into the core ticket event.
export { parseDelivery, ticketPriority } from './registry/parse-delivery';
export { ZENDESK_ACCOUNT_HEADER, ZENDESK_INVOCATION_HEADER } from './zendesk/inbound';
export {
  ZENDESK_STATUSES,
  ZENDESK_TICKET_CREATED,
  ZENDESK_TRIGGER_BODY_TEMPLATE,
  ZENDESK_TRIGGER_EVENTS,
  ZENDESK_TRIGGER_UPDATE_BODY_TEMPLATE,
  ZENDESK_UPDATE_EVENTS,
  ZendeskTicketCreatedEvent,
  ZendeskTriggerBody,
} from './zendesk/payload';
export {
  signZendesk,
  verifyZendeskSignature,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TEST_SECRET,
  ZENDESK_TIMESTAMP_HEADER,
} from './zendesk/signature';
export { createZendeskWriter, type ZendeskWriterOptions, zendeskErrorMessage } from './zendesk/writer';
