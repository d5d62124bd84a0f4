import type { FastifyInstance } from 'fastify';
import { apiDate, fileDto } from '../dto';
import { notFound } from '../errors';
import { bodyOf, field, ok, portalUrlOf, readBoolean, readString, routeId } from '../http';
import { API, ID, type RouteContext } from '../routes/context';
import type { WebhookConfigState, WebhookFaults, WebhookSender } from './sender';

/** `WebhooksConfigDto` (dates as the API writes them; empty fields left out). */
function configDto(c: WebhookConfigState) {
  return {
    id: c.id,
    name: c.name,
    uri: c.uri,
    enabled: c.enabled,
    ssl: c.ssl,
    triggers: c.triggers,
    ...(c.targetId === undefined ? {} : { targetId: c.targetId }),
    createdOn: apiDate(c.createdOn),
    ...(c.lastSuccessOn ? { lastSuccessOn: apiDate(c.lastSuccessOn) } : {}),
    ...(c.lastFailureOn ? { lastFailureOn: apiDate(c.lastFailureOn) } : {}),
    ...(c.lastFailureContent ? { lastFailureContent: c.lastFailureContent } : {}),
  };
}

function readTriggers(body: Record<string, unknown>): number {
  const value = field(body, 'triggers');
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

/**
 * `WebhooksController` (web/ASC.Web.Api/Api/Settings): create, list, update, enable and delete
 * the portal's webhook configurations; plus `POST files/{folderId}/file` (a new document), which
 * fires `file.created` as an upload's commit fires `file.uploaded`.
 */
export function webhookRoutes(app: FastifyInstance, ctx: RouteContext & { webhooks: WebhookSender }): void {
  const { webhooks, files, portal, publicUrl } = ctx;

  app.get(`${API}/settings/webhook`, async (req, reply) =>
    ok(
      req,
      reply,
      publicUrl,
      [...webhooks.configs.values()].map((c) => ({ configs: configDto(c), status: 0 })),
    ),
  );

  app.post(`${API}/settings/webhook`, async (req, reply) => {
    const body = bodyOf(req);
    const config = webhooks.addConfig({
      name: readString(body, 'name', { required: true, max: 50 })!,
      uri: readString(body, 'uri', { required: true })!,
      secretKey: readString(body, 'secretKey', { max: 50 }) ?? '',
      enabled: readBoolean(body, 'enabled') ?? false,
      ssl: readBoolean(body, 'ssl') ?? false,
      triggers: readTriggers(body),
      targetId: readString(body, 'targetId', { max: 255 }),
    });
    return ok(req, reply, publicUrl, configDto(config));
  });

  app.put(`${API}/settings/webhook`, async (req, reply) => {
    const body = bodyOf(req);
    const id = field(body, 'id');
    const config = typeof id === 'number' ? webhooks.configs.get(id) : undefined;
    if (!config) throw notFound('Item not found');
    Object.assign(config, {
      name: readString(body, 'name', { required: true, max: 50 })!,
      uri: readString(body, 'uri', { required: true })!,
      enabled: readBoolean(body, 'enabled') ?? false,
      ssl: readBoolean(body, 'ssl') ?? false,
      triggers: readTriggers(body),
      targetId: readString(body, 'targetId', { max: 255 }),
    });
    // An empty key keeps the old one (`UpdateWebhook`).
    const key = readString(body, 'secretKey', { max: 50 });
    if (key) config.secretKey = key;
    return ok(req, reply, publicUrl, configDto(config));
  });

  app.delete(`${API}/settings/webhook/${ID}`, async (req, reply) => {
    const config = webhooks.configs.get(routeId(req));
    if (!config) throw notFound('Item not found');
    webhooks.configs.delete(config.id);
    return ok(req, reply, publicUrl, configDto(config));
  });

  app.post(`${API}/files/${ID}/file`, async (req, reply) => {
    const title = readString(bodyOf(req), 'title', { required: true })!;
    const file = files.createFile(routeId(req), title);
    return ok(req, reply, publicUrl, fileDto(portal, file, portalUrlOf(req, publicUrl)));
  });

  // Sending-side faults: delays, duplicates, and holding deliveries to send them newest first.
  app.put('/__sim/webhook-faults', async (req, reply) => {
    webhooks.faults = (req.body ?? {}) as WebhookFaults;
    return reply.code(200).send(webhooks.faults);
  });
  app.post('/__sim/webhook-flush', async (_req, reply) => {
    webhooks.flush();
    return reply.code(204).send();
  });
}
