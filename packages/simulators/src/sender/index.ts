export {
  type BuildDeliveryOptions,
  buildDelivery,
  type Delivery,
  JIRA_WORKFLOW_STATUSES,
  type JiraWorkflowStatus,
  jiraKey,
  jiraStatusOf,
  SENDER_KINDS,
  SENDER_VENDORS,
  type SenderKind,
  type SenderVendor,
} from './build';
export { SEND_USAGE, sendMain } from './cli';
export { type SendResult, sendDelivery } from './send';
export { jiraSignature, standardWebhookSignature, zendeskSignature } from './sign';
