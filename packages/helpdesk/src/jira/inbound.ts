import type { EventKind, TrackedField } from '@ticket-rooms/core';
import { header } from '../inbound/headers';
import { isJsonObject, parseJsonObject, parsePayload } from '../inbound/json-body';
import {
  derivedDeliveryId,
  type FieldNames,
  finishEvent,
  hostOf,
  isoTime,
  normalizeStatus,
} from '../inbound/normalize';
import { ignored, isRejection, reject } from '../inbound/outcome';
import type { InboundConfig, InboundOutcome, InboundRequest } from '../inbound/types';
import {
  JIRA_ATTACHMENT_CREATED,
  JIRA_ISSUE_CREATED,
  JIRA_ISSUE_DELETED,
  JIRA_ISSUE_UPDATED,
  JIRA_STATUS_CATEGORIES,
  JIRA_STATUS_NAMES,
  JiraIssueWebhook,
} from './payload';
import { JIRA_SIGNATURE_HEADER, verifyJiraSignature } from './signature';

/** The same on every retry of one delivery, so it is the dedupe key. */
export const JIRA_IDENTIFIER_HEADER = 'x-atlassian-webhook-identifier';

/**
 * A Jira admin webhook delivery. Only webhooks with a secret are accepted: Jira signs nothing
 * else, and the signature covers no timestamp, so replays are caught by the identifier dedupe.
 */
export function parseJiraDelivery(req: InboundRequest, config: InboundConfig['jira']): InboundOutcome {
  // 1. Only with a secret.
  const secrets = (config?.secrets ?? []).filter((s) => s !== '');
  if (secrets.length === 0) {
    return reject(
      'SOURCE_NOT_CONFIGURED',
      'Jira deliveries are not accepted because JIRA_WEBHOOK_SECRET is not set; set it to the secret of the Jira webhook.',
    );
  }

  // 2. The signature over the raw bytes.
  const signature = header(req, JIRA_SIGNATURE_HEADER);
  if (signature === undefined) {
    return reject(
      'SIGNATURE_MISSING',
      `The ${JIRA_SIGNATURE_HEADER} header is missing; give the Jira webhook a secret so it signs its deliveries.`,
    );
  }
  const check = verifyJiraSignature(req.rawBody, signature, secrets);
  if (check === 'unsupported-method') {
    return reject('SIGNATURE_INVALID', `The ${JIRA_SIGNATURE_HEADER} header uses a method other than sha256.`);
  }
  if (check === 'invalid') {
    return reject(
      'SIGNATURE_INVALID',
      `The ${JIRA_SIGNATURE_HEADER} header does not match the body for any configured JIRA_WEBHOOK_SECRET.`,
    );
  }

  // 3. The body.
  const identifier = header(req, JIRA_IDENTIFIER_HEADER);
  const body = parseJsonObject(req.rawBody);
  if (isRejection(body)) return body;
  const known = [JIRA_ISSUE_CREATED, JIRA_ISSUE_UPDATED, JIRA_ISSUE_DELETED, JIRA_ATTACHMENT_CREATED];
  if (typeof body.webhookEvent === 'string' && !known.includes(body.webhookEvent)) {
    return ignored(
      `Jira event ${body.webhookEvent.slice(0, 100)} is not an issue creation, update or deletion, or a new attachment.`,
      identifier,
    );
  }
  if (body.webhookEvent === JIRA_ATTACHMENT_CREATED && !isJsonObject(body.issue)) {
    return ignored(
      `Jira event ${JIRA_ATTACHMENT_CREATED} names no issue; subscribe to jira:issue_updated, whose Attachment changelog item does.`,
      identifier,
    );
  }
  const parsed = parsePayload(JiraIssueWebhook, body);
  if (isRejection(parsed)) return parsed;
  const { issue } = parsed;
  const tenant = hostOf(issue.self);
  if (tenant === undefined) return reject('PAYLOAD_INVALID', 'The field issue.self is not an http(s) URL.');
  const fields = issue.fields ?? undefined;
  const origin = new URL(issue.self).origin;
  const ticketUrl = `${origin}/browse/${encodeURIComponent(issue.key)}`;
  const names: FieldNames = {
    ticketId: 'issue.key',
    tenant: 'host of issue.self',
    subject: 'issue.fields.summary',
    status: 'changelog status item',
  };
  if (parsed.webhookEvent !== JIRA_ISSUE_CREATED) {
    const change = changeOf(parsed);
    if (change === undefined) {
      return ignored(
        `Jira ${parsed.webhookEvent} of ${issue.key.slice(0, 100)} changes neither its status nor its summary, and adds no attachment.`,
        identifier,
      );
    }
    const occurredAt = isoTime(parsed.timestamp === undefined ? undefined : Number(parsed.timestamp));
    return finishEvent(
      {
        kind: change.kind,
        source: 'jira',
        tenant,
        ticketId: issue.key,
        subject: change.subject ?? fields?.summary ?? '',
        ...(change.status === undefined ? {} : { status: change.status }),
        changed: change.changed,
        ...(occurredAt === undefined ? {} : { occurredAt }),
        ticketUrl,
        deliveryId:
          identifier ??
          derivedDeliveryId(
            'jira',
            tenant,
            issue.key,
            parsed.webhookEvent,
            parsed.timestamp ?? '',
            change.status ?? '',
            change.subject ?? '',
          ),
      },
      { ...names, subject: change.subject === undefined ? 'issue.fields.summary' : 'changelog summary item' },
    );
  }
  return jiraCreatedEvent(issue, identifier);
}

/**
 * An issue, as a creation webhook or the search API shows it, as the core event: the one field
 * mapping that the webhook and the backfill share. `undefined` identifier: one derived per issue.
 */
export function jiraCreatedEvent(issue: JiraIssueWebhook['issue'], identifier: string | undefined): InboundOutcome {
  const tenant = hostOf(issue.self);
  if (tenant === undefined) return reject('PAYLOAD_INVALID', 'The field issue.self is not an http(s) URL.');
  const fields = issue.fields ?? undefined;
  const ticketUrl = `${new URL(issue.self).origin}/browse/${encodeURIComponent(issue.key)}`;
  const names: FieldNames = { ticketId: 'issue.key', tenant: 'host of issue.self', subject: 'issue.fields.summary' };
  const reporter = fields?.reporter ?? undefined;
  const requester = {
    ...(reporter?.accountId ? { id: reporter.accountId } : {}),
    ...(reporter?.displayName ? { name: reporter.displayName } : {}),
    ...(reporter?.emailAddress ? { email: reporter.emailAddress } : {}),
  };
  const priority = fields?.priority?.name;
  return finishEvent(
    {
      source: 'jira',
      tenant,
      ticketId: issue.key,
      subject: fields?.summary ?? '',
      ...(priority === undefined ? {} : { priority }),
      ...(Object.keys(requester).length > 0 ? { requester } : {}),
      // A service desk per project is what a brand is elsewhere.
      brand: fields?.project?.key,
      ticketType: fields?.issuetype?.name,
      tags: fields?.labels,
      ticketUrl,
      deliveryId: identifier ?? derivedDeliveryId('jira', tenant, issue.key),
    },
    names,
  );
}

interface JiraChange {
  kind: EventKind;
  changed: TrackedField[];
  status?: string;
  subject?: string;
}

/**
 * What an update or deletion changes. A deletion sets the status `deleted`. An update changes what
 * its changelog items name: `status` (mapped by the category of the status it moved to) and
 * `summary` (the new text in `toString`); neither, and it is not ours to follow.
 */
function changeOf(parsed: JiraIssueWebhook): JiraChange | undefined {
  if (parsed.webhookEvent === JIRA_ISSUE_DELETED) {
    return { kind: 'ticket.deleted', changed: ['status'], status: 'deleted' };
  }
  if (parsed.webhookEvent === JIRA_ATTACHMENT_CREATED) return { kind: 'ticket.attachment_added', changed: [] };
  const items = parsed.changelog?.items ?? [];
  // `toString` is read only as an own string: an item without one must not yield Object's method.
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const statusItem = items.findLast((i) => (i.fieldId ?? i.field)?.toLowerCase() === 'status');
  const summaryItem = items.findLast((i) => (i.fieldId ?? i.field)?.toLowerCase() === 'summary');
  const change: JiraChange = { kind: 'ticket.status_changed', changed: [] };
  if (statusItem) {
    const status = jiraStatus(parsed, text(statusItem.toString), statusItem.to);
    if (status !== undefined) change.status = status;
    change.changed.push('status');
  }
  if (summaryItem) {
    const summary = text(summaryItem.toString);
    if (summary !== undefined) change.subject = summary;
    change.changed.push('subject');
  }
  if (change.changed.length === 0) {
    // A file added (an `Attachment` item with a new value; a removal has only `from`). The file
    // name in `toString` is not needed: the sync lists the issue's attachments through the API.
    const attached = items.some(
      (i) => (i.fieldId ?? i.field)?.toLowerCase() === 'attachment' && (i.to || text(i.toString)),
    );
    return attached ? { kind: 'ticket.attachment_added', changed: [] } : undefined;
  }
  if (!statusItem) change.kind = 'ticket.subject_changed';
  return change;
}

/**
 * The new status: the category of the issue's status when it is the one the changelog moved to
 * (an issue changed again before this delivery was built may show a later status), else the
 * changelog's status name through the default names, else that name verbatim.
 */
function jiraStatus(
  parsed: JiraIssueWebhook,
  toName: string | undefined,
  toId: string | undefined,
): string | undefined {
  const current = parsed.issue.fields?.status ?? undefined;
  const category = current?.statusCategory?.key;
  const sameStatus =
    current !== undefined &&
    ((toId !== undefined && current.id === toId) ||
      (toName !== undefined && current.name?.trim().toLowerCase() === toName.trim().toLowerCase()) ||
      (toId === undefined && toName === undefined));
  const categoryKey = category?.trim().toLowerCase();
  if (sameStatus && categoryKey && Object.hasOwn(JIRA_STATUS_CATEGORIES, categoryKey)) {
    return JIRA_STATUS_CATEGORIES[categoryKey];
  }
  const name = toName ?? (sameStatus ? current?.name : undefined);
  return name === undefined || name.trim() === '' ? undefined : normalizeStatus(JIRA_STATUS_NAMES, name);
}
