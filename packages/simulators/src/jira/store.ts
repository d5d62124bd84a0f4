/** In-memory Jira issues and JSM comments. Maps and arrays only, so 100k issues stay cheap. */
import { JIRA_WORKFLOW_STATUSES, type JiraWorkflowStatus } from '../sender/build';

/** A transition of the simulated workflow: to each status from any other, as JSM's default allows. */
export interface JiraTransition {
  id: string;
  name: string;
  to: JiraWorkflowStatus;
}

export const JIRA_TRANSITIONS: readonly JiraTransition[] = JIRA_WORKFLOW_STATUSES.map((to, i) => ({
  id: String(11 + i * 10),
  name: to.name,
  to,
}));

export interface JiraComment {
  id: string;
  body: string;
  public: boolean;
  createdMs: number;
}

export interface JiraIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  description: string | null;
  issueType: string;
  priority: string;
  status: JiraWorkflowStatus;
  createdMs: number;
  comments: JiraComment[];
  /** Ids of the issue's files in the simulator's `SimAttachments`, oldest first. */
  attachments: number[];
}

export const AGENT = {
  accountId: '5b10a2844c20165700ede21g',
  displayName: 'Ticket Rooms Agent',
  active: true,
  timeZone: 'Etc/UTC',
};

const KEY = /^([A-Z][A-Z0-9_]{0,9})-([1-9]\d{0,9})$/;

export class JiraStore {
  readonly issues = new Map<string, JiraIssue>();
  private readonly byId = new Map<string, JiraIssue>();
  private readonly counters = new Map<string, number>();
  /** Deleted keys stay gone: they are not created again on first use. */
  private readonly deleted = new Set<string>();
  private nextIssueId = 10_000;
  private nextCommentId = 20_000;

  /**
   * The issue for a key or id. A well-formed key not seen yet is created on first use, so a
   * note can follow a delivery without setup; anything else is unknown.
   */
  find(keyOrId: string): JiraIssue | undefined {
    const existing = this.issues.get(keyOrId) ?? this.byId.get(keyOrId);
    if (existing) return existing;
    if (this.deleted.has(keyOrId)) return undefined;
    const match = KEY.exec(keyOrId);
    if (!match) return undefined;
    return this.create({ projectKey: match[1] as string, number: Number(match[2]), summary: `Issue ${keyOrId}` });
  }

  create(input: {
    projectKey: string;
    number?: number;
    summary: string;
    description?: string | null;
    issueType?: string;
  }) {
    const next = (this.counters.get(input.projectKey) ?? 0) + 1;
    const number = input.number ?? next;
    this.counters.set(input.projectKey, Math.max(next - 1, number));
    const issue: JiraIssue = {
      id: String(this.nextIssueId++),
      key: `${input.projectKey}-${number}`,
      projectKey: input.projectKey,
      summary: input.summary,
      description: input.description ?? null,
      issueType: input.issueType ?? 'Service Request',
      priority: 'Medium',
      status: JIRA_WORKFLOW_STATUSES[0] as JiraWorkflowStatus,
      createdMs: Date.now(),
      comments: [],
      attachments: [],
    };
    this.issues.set(issue.key, issue);
    this.byId.set(issue.id, issue);
    return issue;
  }

  delete(issue: JiraIssue): void {
    this.issues.delete(issue.key);
    this.byId.delete(issue.id);
    this.deleted.add(issue.key);
    this.deleted.add(issue.id);
  }

  addComment(issue: JiraIssue, input: { body: string; public: boolean }): JiraComment {
    const comment = { id: String(this.nextCommentId++), ...input, createdMs: Date.now() };
    issue.comments.push(comment);
    return comment;
  }
}
