import { z } from 'zod';
import { IdField, OptionalText, optionalObject, requiredObject, TagsField } from '../inbound/fields';
import type { StatusTable } from '../inbound/normalize';

export const JIRA_ISSUE_CREATED = 'jira:issue_created';
/** An issue's fields changed; `changelog.items` says which (`status`, `summary`, …). */
export const JIRA_ISSUE_UPDATED = 'jira:issue_updated';
export const JIRA_ISSUE_DELETED = 'jira:issue_deleted';
/**
 * A file was attached. Undocumented by Atlassian; the body seen in the wild (jira.js's
 * `AttachmentWebhookPayload`) is `{timestamp, webhookEvent, attachment: {id, filename, size, …}}`
 * with no issue, so it names no ticket: it is read only when it carries an `issue` (UNVERIFIED
 * that any site sends one) and acknowledged as ignored otherwise. `jira:issue_updated` with a
 * changelog item `Attachment` is the event that names both.
 */
export const JIRA_ATTACHMENT_CREATED = 'attachment_created';

/**
 * Jira's status categories (`issue.fields.status.statusCategory.key`): every workflow status,
 * however a site names it, belongs to one of three, so the category is what we map.
 */
export const JIRA_STATUS_CATEGORIES: StatusTable = {
  new: 'new',
  indeterminate: 'open',
  done: 'solved',
};

/**
 * Status names, for a delivery whose issue does not carry the category of the status the
 * changelog moved to: the defaults of Jira and JSM workflows. Any other name is kept verbatim.
 */
export const JIRA_STATUS_NAMES: StatusTable = {
  open: 'open',
  'to do': 'new',
  backlog: 'new',
  'in progress': 'open',
  'waiting for support': 'open',
  'waiting for customer': 'pending',
  pending: 'pending',
  'work in progress': 'open',
  escalated: 'open',
  reopened: 'open',
  resolved: 'solved',
  done: 'solved',
  closed: 'closed',
  canceled: 'closed',
  cancelled: 'closed',
  declined: 'closed',
};

/**
 * One changelog item of `jira:issue_updated`: `{field, fieldtype, fieldId, from, fromString, to,
 * toString}` (real deliveries as typed in jira.js and SwiftyJIRA's `JIRAIssueWebhookChangelogItem`).
 * `to` is the new status id for `status`, and null for `summary`, whose new text is `toString`.
 */
const JiraChangelogItem = z.object({
  field: OptionalText,
  fieldId: OptionalText,
  to: OptionalText,
  toString: OptionalText,
});

/**
 * A Jira webhook (`jira:issue_created`, `jira:issue_updated`, `jira:issue_deleted`). `issue` has the REST issue shape, which is site-specific
 * beyond a few fields, so only what we use is checked and everything else is dropped.
 */
export const JiraIssueWebhook = z.object({
  webhookEvent: z.string({ error: 'must be a string' }),
  issue: requiredObject({
    id: OptionalText,
    key: IdField,
    self: z.string({ error: 'must be a string' }),
    fields: optionalObject({
      summary: OptionalText,
      priority: optionalObject({ name: OptionalText }),
      status: optionalObject({
        id: OptionalText,
        name: OptionalText,
        statusCategory: optionalObject({ key: OptionalText }),
      }),
      issuetype: optionalObject({ name: OptionalText }),
      project: optionalObject({ key: OptionalText }),
      labels: TagsField,
      reporter: optionalObject({
        accountId: OptionalText,
        displayName: OptionalText,
        emailAddress: OptionalText,
      }),
    }),
  }),
  /** The event time, milliseconds since the epoch; the same on every retry. */
  timestamp: OptionalText,
  changelog: optionalObject({ items: z.array(JiraChangelogItem, { error: 'must be a list' }).nullish() }),
});
export type JiraIssueWebhook = z.infer<typeof JiraIssueWebhook>;
