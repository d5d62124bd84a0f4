import { AGENT, type JiraComment, type JiraIssue } from './store';

/** JSM's date object: `{iso8601, jira, friendly, epochMillis}`. */
export function jsmDate(ms: number) {
  const iso = new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
  return { iso8601: iso, jira: new Date(ms).toISOString().replace('Z', '+0000'), friendly: 'Today', epochMillis: ms };
}

export function userView(base: string) {
  return {
    ...AGENT,
    emailAddress: 'agent@example.com',
    _links: { self: `${base}/rest/api/2/user?accountId=${AGENT.accountId}` },
  };
}

/** A comment as `/rest/servicedeskapi/request/{key}/comment` shows it. */
export function jsmCommentView(base: string, issue: JiraIssue, comment: JiraComment) {
  return {
    id: comment.id,
    body: comment.body,
    public: comment.public,
    author: userView(base),
    created: jsmDate(comment.createdMs),
    _links: { self: `${base}/rest/servicedeskapi/request/${issue.id}/comment/${comment.id}` },
  };
}

/** A comment as the platform API v3 shows it: an ADF body and `jsdPublic`. */
export function platformCommentView(base: string, issue: JiraIssue, comment: JiraComment) {
  const created = new Date(comment.createdMs).toISOString().replace('Z', '+0000');
  return {
    self: `${base}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
    id: comment.id,
    author: userView(base),
    body: {
      type: 'doc',
      version: 1,
      content: comment.body
        .split('\n')
        .map((line) => ({ type: 'paragraph', content: line ? [{ type: 'text', text: line }] : [] })),
    },
    created,
    updated: created,
    jsdPublic: comment.public,
  };
}

export function issueView(base: string, issue: JiraIssue, apiVersion: '2' | '3') {
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${base}/rest/api/${apiVersion}/issue/${issue.id}`,
    key: issue.key,
    fields: {
      summary: issue.summary,
      description: issue.description,
      issuetype: { name: issue.issueType },
      project: { key: issue.projectKey, name: issue.projectKey, projectTypeKey: 'service_desk' },
      priority: { name: issue.priority, id: '3' },
      status: statusView(base, issue),
      created: new Date(issue.createdMs).toISOString().replace('Z', '+0000'),
      comment: { comments: [], maxResults: 0, total: issue.comments.length, startAt: 0 },
    },
  };
}

/** An issue's status as the REST API shows it, with its category. */
export function statusView(base: string, issue: JiraIssue) {
  const { name, id, category } = issue.status;
  return {
    self: `${base}/rest/api/2/status/${id}`,
    name,
    id,
    statusCategory: { key: category, name: CATEGORY_NAMES[category] ?? category },
  };
}

const CATEGORY_NAMES: Record<string, string> = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' };
