import { parseArgs } from 'node:util';
import {
  type BuildDeliveryOptions,
  buildDelivery,
  SENDER_KINDS,
  SENDER_VENDORS,
  type SenderKind,
  type SenderVendor,
} from './build';
import { sendDelivery } from './send';

export const SEND_USAGE = `usage: pnpm send <${SENDER_VENDORS.join('|')}> --to http://127.0.0.1:3000 --ticket 123 --subject "Printer on fire"
         [--kind ${SENDER_KINDS.join('|')}] [--status solved] [--from open] [--at 2026-12-01T10:00:00Z]
         [--secret S] [--token T] [--tenant T] [--variant event|trigger] [--priority P] [--email E]
         [--delivery-id ID] [--event TYPE] [--path /webhooks/...] [--basic]
--kind status sends the vendor's own status-change delivery (default --status solved), subject a
subject change (--subject is the new one), deleted a deletion, attachment a file added to the ticket
(Zendesk attachment_linked_to_comment, Jira's Attachment changelog item, the ticket.attachment_added
rule body); --at is when it happened (default now)
secrets from env: ZENDESK_WEBHOOK_SECRET, JIRA_WEBHOOK_SECRET, GENERIC_WEBHOOK_SECRET (first entry of a list);
tokens from env: FRESHDESK_WEBHOOK_TOKEN, GENERIC_WEBHOOK_TOKEN; receiver from RECEIVER_URL`;

function firstOf(list: string | undefined): string | undefined {
  return list
    ?.split(',')
    .map((s) => s.trim())
    .find((s) => s !== '');
}

/**
 * `pnpm send`: builds one signed delivery as the vendor would, posts it, and prints the status and
 * body. Returns the exit code: 0 for a 2xx, 1 otherwise, 2 for a usage mistake.
 */
export async function sendMain(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (line: string) => void = console.log,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    out(`${(err as Error).message}\n${SEND_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(SEND_USAGE);
    return 0;
  }
  const vendor = positionals[0] as SenderVendor | undefined;
  if (!vendor || !SENDER_VENDORS.includes(vendor) || !values.ticket) {
    out(SEND_USAGE);
    return 2;
  }
  const kind = (values.kind ?? 'created') as SenderKind;
  if (!SENDER_KINDS.includes(kind)) {
    out(`--kind must be one of ${SENDER_KINDS.join(', ')}.\n${SEND_USAGE}`);
    return 2;
  }
  if (values.at !== undefined && Number.isNaN(Date.parse(values.at))) {
    out(`--at must be an ISO 8601 date-time, such as 2026-12-01T10:00:00Z.\n${SEND_USAGE}`);
    return 2;
  }
  const secret =
    values.secret ??
    (vendor === 'zendesk'
      ? firstOf(env.ZENDESK_WEBHOOK_SECRET)
      : vendor === 'jira'
        ? firstOf(env.JIRA_WEBHOOK_SECRET)
        : vendor === 'generic'
          ? firstOf(env.GENERIC_WEBHOOK_SECRET)
          : undefined);
  const token =
    values.token ??
    (vendor === 'freshdesk'
      ? firstOf(env.FRESHDESK_WEBHOOK_TOKEN)
      : vendor === 'generic'
        ? firstOf(env.GENERIC_WEBHOOK_TOKEN)
        : undefined);
  const opts: BuildDeliveryOptions = {
    ticketId: values.ticket,
    subject: values.subject ?? `Ticket ${values.ticket}`,
    ...(secret ? { secret } : {}),
    ...(token ? { token } : {}),
    ...(values.tenant ? { tenant: values.tenant } : {}),
    ...(values.variant === 'trigger' ? { variant: 'trigger' as const } : {}),
    ...(values.priority ? { priority: values.priority } : {}),
    ...(values.email ? { requesterEmail: values.email } : {}),
    ...(values['delivery-id'] ? { deliveryId: values['delivery-id'] } : {}),
    ...(values.event ? { eventType: values.event } : {}),
    ...(values.path ? { path: values.path } : {}),
    ...(values.basic ? { freshdeskAuth: 'basic' as const } : {}),
    kind,
    ...(values.status ? { status: values.status } : {}),
    ...(values.from ? { previousStatus: values.from } : {}),
    ...(values.at ? { occurredAt: values.at } : {}),
  };
  const to = values.to ?? env.RECEIVER_URL ?? 'http://127.0.0.1:3000';
  const delivery = buildDelivery(vendor, opts);
  try {
    const res = await sendDelivery(to, delivery);
    out(`${res.status} POST ${to.replace(/\/+$/, '')}${delivery.path}`);
    out(res.body);
    return res.status >= 200 && res.status < 300 ? 0 : 1;
  } catch (err) {
    out(`Could not deliver to ${to}: ${(err as Error).message}`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      to: { type: 'string' },
      ticket: { type: 'string' },
      subject: { type: 'string' },
      secret: { type: 'string' },
      token: { type: 'string' },
      tenant: { type: 'string' },
      variant: { type: 'string' },
      priority: { type: 'string' },
      email: { type: 'string' },
      'delivery-id': { type: 'string' },
      event: { type: 'string' },
      path: { type: 'string' },
      basic: { type: 'boolean' },
      kind: { type: 'string' },
      status: { type: 'string' },
      from: { type: 'string' },
      at: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
