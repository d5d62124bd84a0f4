import { z } from 'zod';
import { IdField, OptionalText, optionalObject, requiredObject, TagsField } from '../inbound/fields';

export const JIRA_ISSUE_CREATED = 'jira:issue_created';

/**
 * A Jira webhook (`jira:issue_created`). `issue` has the REST issue shape, which is site-specific
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
});
export type JiraIssueWebhook = z.infer<typeof JiraIssueWebhook>;
