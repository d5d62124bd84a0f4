import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Env } from '@ticket-rooms/core';
import {
  createDocspaceClient,
  type DocspaceClient,
  isDocspaceError,
  type Webhook,
  WebhookTrigger,
} from '@ticket-rooms/docspace-client';

export const USAGE = `usage: pnpm register-webhook docspace --url https://…/webhooks/docspace [--name ticket-rooms] [--secret S]
  --url     the receiver's DocSpace route, as DocSpace will reach it
  --name    the webhook's name in DocSpace (default ticket-rooms)
  --secret  the secret key to sign deliveries with (at most 50 characters; default: a generated one)`;

/** The events findings come from: a file created in a room's folder, or uploaded to it. */
export const FINDINGS_TRIGGERS = WebhookTrigger.FileCreated | WebhookTrigger.FileUploaded;

/** DocSpace stores at most 50 characters of a webhook's secret key. */
export const MAX_SECRET_LENGTH = 50;

/** 32 random bytes as base64url: 43 characters, under DocSpace's limit. */
export function generateWebhookSecret(random: (size: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

export interface RegisterInput {
  url: string;
  name: string;
  secret: string;
}

/**
 * Creates the webhook, or updates the one already sending to `url` (so running the command again
 * replaces its secret instead of adding a second webhook that doubles every delivery).
 */
export async function registerDocspaceWebhook(
  client: DocspaceClient,
  input: RegisterInput,
): Promise<{ action: 'created' | 'updated'; webhook: Webhook }> {
  const settings = {
    name: input.name,
    uri: input.url,
    secretKey: input.secret,
    enabled: true,
    ssl: true,
    triggers: FINDINGS_TRIGGERS,
  };
  const existing = (await client.listWebhooks()).find((w) => w.uri === input.url);
  if (existing) return { action: 'updated', webhook: await client.updateWebhook(existing.id, settings) };
  return { action: 'created', webhook: await client.createWebhook(settings) };
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  random?: (size: number) => Buffer;
}

/** `pnpm register-webhook docspace …`; returns the exit code (2 for a usage mistake). */
export async function runRegisterWebhookCli(argv: string[], env: Env, io: CliIo): Promise<number> {
  let values: { url?: string; name?: string; secret?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        name: { type: 'string', default: 'ticket-rooms' },
        secret: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const usage = (message: string) => {
    io.err(`${message}\n${USAGE}`);
    return 2;
  };
  if (positionals.length !== 1 || positionals[0] !== 'docspace') {
    return usage('Name the service to register the webhook with: docspace.');
  }
  if (!values.url) return usage('--url is required: the address of the receiver’s /webhooks/docspace route.');
  let url: URL;
  try {
    url = new URL(values.url);
  } catch {
    return usage(`--url ${values.url} is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return usage(`--url must be an http(s) address.`);
  if (values.secret !== undefined && (values.secret === '' || values.secret.length > MAX_SECRET_LENGTH)) {
    return usage(`--secret must be 1 to ${MAX_SECRET_LENGTH} characters (DocSpace stores no more).`);
  }

  for (const name of ['DOCSPACE_URL', 'DOCSPACE_API_KEY']) {
    if (!env[name]) {
      io.err(`${name} is not set; set it in the environment or in .env, as for the worker.`);
      return 1;
    }
  }
  const generated = values.secret === undefined;
  const secret = values.secret ?? generateWebhookSecret(io.random);
  const client = createDocspaceClient({ baseUrl: env.DOCSPACE_URL as string, apiKey: env.DOCSPACE_API_KEY as string });
  try {
    const { action, webhook } = await registerDocspaceWebhook(client, {
      url: url.href,
      name: values.name ?? 'ticket-rooms',
      secret,
    });
    io.out(
      `${action === 'created' ? 'Created' : 'Updated'} the DocSpace webhook "${webhook.name}" (id ${webhook.id}) sending file.created and file.uploaded to ${webhook.uri}.`,
    );
    if (action === 'updated') {
      io.out(
        'Its secret changed: deliveries signed with the old one stop now (list both, new first, while you switch).',
      );
    }
    if (generated) {
      io.out('Set this on the receiver (it is not shown again):');
      io.out(`DOCSPACE_WEBHOOK_SECRET=${secret}`);
    } else {
      io.out('Set DOCSPACE_WEBHOOK_SECRET on the receiver to the secret you gave with --secret.');
    }
    return 0;
  } catch (err) {
    io.err(explain(err, env.DOCSPACE_URL as string));
    return 1;
  } finally {
    await client.close();
  }
}

/** One sentence per failure the user can act on; the key never appears in it. */
function explain(err: unknown, portal: string): string {
  if (!isDocspaceError(err))
    return `Registering the webhook failed: ${err instanceof Error ? err.message : String(err)}`;
  switch (err.code) {
    case 'UNAUTHORIZED':
      return `DocSpace at ${portal} refused DOCSPACE_API_KEY (401); check that the key is right, active and not expired.`;
    case 'FORBIDDEN':
      return `DocSpace at ${portal} refused DOCSPACE_API_KEY (403); webhooks can only be set with a DocSpace admin's key.`;
    case 'NETWORK':
    case 'TIMEOUT':
      return `DocSpace could not be reached at ${portal}; check DOCSPACE_URL.`;
    default:
      return `DocSpace refused the webhook: ${err.message}.`;
  }
}
