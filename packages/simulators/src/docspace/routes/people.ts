import type { FastifyInstance } from 'fastify';
import { employeeFullDto, groupFullDto } from '../dto';
import { argumentError, notFound } from '../errors';
import { ok, portalUrlOf } from '../http';
import { API, type RouteContext } from './context';

const USER_NOT_FOUND = 'The user could not be found';
const GROUP_NOT_FOUND = 'The group could not be found';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** People and groups (`UserController`, `GroupController`): who the API key acts as, and who may be invited. */
export function peopleRoutes(app: FastifyInstance, { portal, publicUrl }: RouteContext): void {
  app.get(`${API}/people/@self`, async (req, reply) => {
    const me = portal.directory.user(portal.actorId);
    if (!me) throw notFound(USER_NOT_FOUND);
    return ok(req, reply, publicUrl, employeeFullDto(me, portalUrlOf(req, publicUrl)));
  });

  // Registered before `people/{userid}`, as the server orders its `email` route first.
  app.get<{ Querystring: { email?: string } }>(`${API}/people/email`, async (req, reply) => {
    const email = req.query.email?.trim();
    if (!email) throw argumentError("Value cannot be null or whitespace. (Parameter 'email')");
    const user = portal.directory.userByEmail(email);
    if (!user) throw notFound(USER_NOT_FOUND);
    return ok(req, reply, publicUrl, employeeFullDto(user, portalUrlOf(req, publicUrl)));
  });

  // The server tries the value as a user name, then as an id; simulated user names are never ids.
  app.get<{ Params: { userid: string } }>(`${API}/people/:userid`, async (req, reply) => {
    const { userid } = req.params;
    const user = GUID.test(userid) ? portal.directory.user(userid) : undefined;
    if (!user) throw notFound(USER_NOT_FOUND);
    return ok(req, reply, publicUrl, employeeFullDto(user, portalUrlOf(req, publicUrl)));
  });

  app.get<{ Querystring: { filterValue?: string; startIndex?: string; count?: string } }>(
    `${API}/group`,
    async (req, reply) => {
      const all = portal.directory.groupsMatching(req.query.filterValue ?? '');
      const start = Math.max(0, Number(req.query.startIndex ?? 0) || 0);
      const count = Math.max(0, Number(req.query.count ?? 100) || 100);
      const page = all.slice(start, start + count);
      return ok(req, reply, publicUrl, page.map(groupFullDto), { count: page.length, total: all.length });
    },
  );

  // Not `:id`, which the app holds to `{id:int}`; this route is `{id:guid}`.
  app.get<{ Params: { groupId: string } }>(`${API}/group/:groupId`, async (req, reply) => {
    // Anything but a GUID matches no route, which ASP.NET answers with a bare 404.
    if (!GUID.test(req.params.groupId)) return reply.code(404).send();
    const group = portal.directory.group(req.params.groupId);
    if (!group) throw notFound(GROUP_NOT_FOUND);
    return ok(req, reply, publicUrl, groupFullDto(group));
  });
}
