import { z } from 'zod';

/** `WebhookTrigger` flags (ASC.Webhooks.Core) for the events a ticket room's findings come from. */
export const WebhookTrigger = {
  /** Every event; the server stores 0 for "all". */
  All: 0,
  FileCreated: 1 << 7,
  FileUploaded: 1 << 8,
} as const;

/** `WebhooksConfigDto`: the server never sends the secret key back. */
export const WebhookDto = z.object({
  id: z.number().int(),
  name: z.string(),
  uri: z.string(),
  enabled: z.boolean(),
  ssl: z.boolean().optional(),
  triggers: z.number().int().optional(),
  targetId: z.string().nullish(),
});
export type Webhook = z.infer<typeof WebhookDto>;

/** `GET settings/webhook` answers `WebhooksConfigWithStatusDto` items: the configuration and its last status. */
export const WebhookList = z.array(z.object({ configs: WebhookDto, status: z.number().int().optional() }));

/** What `settings/webhook` takes to create or update a configuration (`CreateWebhooksConfigRequestsDto`). */
export interface WebhookInput {
  /** 1 to 50 characters. */
  name: string;
  /** Where DocSpace POSTs each delivery. */
  uri: string;
  /** Signs each delivery (`x-docspace-signature-256`); at most 50 characters. On update, absent keeps the old one. */
  secretKey?: string;
  /** Default true. */
  enabled?: boolean;
  /** Verify the receiver's TLS certificate; default true. */
  ssl?: boolean;
  /** `WebhookTrigger` flags OR-ed together; 0 (the default) is every event. */
  triggers?: number;
  /** Only events about this entry id. */
  targetId?: string;
}
