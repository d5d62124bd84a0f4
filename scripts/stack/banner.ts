import type { Source } from '@ticket-rooms/core';
import { HELPDESK_ROUTES, WRITE_BACK_HELPDESKS } from '@ticket-rooms/helpdesk';
import { redisDir, shownPath, stateFilePath } from './paths';
import type { Helpdesk } from './plan';
import type { RunningStack } from './stack';

const pad = (s: string, n: number) => s.padEnd(n);
const row = (name: string, kind: string, url: string, note = '') =>
  `  ${pad(name, 10)} ${pad(kind, 10)} ${url}${note ? `  ${note}` : ''}`.trimEnd();

/** `/webhooks/{a,b,…}`: the routes under `/webhooks`, as the registry lists them. */
function deliveryRoutes(): string {
  const names = HELPDESK_ROUTES.filter((r) => r.url.startsWith('/webhooks/')).map((r) =>
    r.url.slice('/webhooks/'.length),
  );
  return `/webhooks/{${names.join(',')}}`;
}

/**
 * The first lines `pnpm start` prints: each part, whether it is embedded or the user's, and its
 * URL. Generated dashboard credentials appear here and nowhere else; webhook secrets never do,
 * only the file that holds them.
 */
export function bannerLines(
  stack: Pick<
    RunningStack,
    | 'plan'
    | 'dataDir'
    | 'receiverUrl'
    | 'dashboardUrl'
    | 'generatedDashboard'
    | 'redisShown'
    | 'workerMetricsUrl'
    | 'simulators'
    | 'serviceUrls'
    | 'queuePrefix'
  >,
  envFile?: { path: string; names: readonly string[] },
): string[] {
  const { plan } = stack;
  const lines = ['Ticket Rooms'];
  if (envFile) {
    const count = envFile.names.length;
    lines.push(
      row(
        'config',
        'env file',
        shownPath(envFile.path),
        `${count} variable${count === 1 ? '' : 's'} (the shell's own win)`,
      ),
    );
  }

  lines.push(
    plan.redis.embedded
      ? row(
          'redis',
          'embedded',
          stack.redisShown,
          `redis-server with AOF and noeviction, data in ${shownPath(redisDir(stack.dataDir))} (set REDIS_URL to use yours)`,
        )
      : row('redis', 'configured', stack.redisShown),
  );
  lines.push(
    plan.docspace.embedded
      ? row(
          'docspace',
          'simulator',
          stack.simulators.docspace ?? '',
          'in memory (set DOCSPACE_URL and DOCSPACE_API_KEY for a real portal)',
        )
      : row('docspace', 'configured', stack.serviceUrls.docspace ?? ''),
  );
  for (const { source, writeBack } of WRITE_BACK_HELPDESKS) {
    const h = source as Helpdesk;
    lines.push(
      plan.helpdesks[h].embedded
        ? row(h, 'simulator', stack.simulators[h] ?? '', `(set ${writeBack.variables.join(', ')} for yours)`)
        : row(h, 'configured', stack.serviceUrls[h] ?? ''),
    );
  }

  lines.push(row('receiver', 'running', stack.receiverUrl, `POST ${deliveryRoutes()}`));
  if (stack.dashboardUrl && stack.generatedDashboard) {
    const { user, password } = stack.generatedDashboard;
    lines.push(
      row(
        'dashboard',
        'generated',
        stack.dashboardUrl,
        `user ${user}  password ${password}  (set DASHBOARD_USER and DASHBOARD_PASSWORD to choose)`,
      ),
    );
  } else if (stack.dashboardUrl) {
    lines.push(row('dashboard', 'configured', stack.dashboardUrl, '(DASHBOARD_USER and DASHBOARD_PASSWORD)'));
  }
  const workerMetrics = stack.workerMetricsUrl ? `, worker ${stack.workerMetricsUrl}/metrics` : '';
  lines.push(row('metrics', '', `${stack.receiverUrl}/metrics${workerMetrics}`));

  const generated = (Object.keys(plan.inbound) as Source[]).filter((s) => plan.inbound[s].origin === 'generated');
  if (generated.length > 0) {
    lines.push(
      row(
        'secrets',
        'generated',
        shownPath(stateFilePath(stack.dataDir)),
        `webhook secrets of ${generated.join(', ')} and simulator credentials (mode 0600)`,
      ),
    );
  }
  for (const s of Object.keys(plan.inbound) as Source[]) {
    const { origin, variable } = plan.inbound[s];
    if (origin === 'missing') {
      lines.push(`  warning    ${s} deliveries are refused (401) until ${variable} is set to its webhook secret`);
    }
  }
  if (plan.roomShare === 'simulated-group') {
    lines.push('  rooms      shared with the simulated Support group (set ROOM_SHARE to choose)');
  }
  if (plan.docspaceWebhook) {
    lines.push(
      `  findings   files added to a room's Findings folder are noted on its ticket (simulator webhook → ${stack.receiverUrl}/webhooks/docspace)`,
    );
  }
  if (plan.overrides.ROUTING_FILE) {
    lines.push(`  routing    example rules in ${plan.overrides.ROUTING_FILE} (set ROUTING_FILE to choose)`);
  }
  lines.push(`Ready. Send tickets with \`pnpm demo\`; stop with Ctrl-C.`);
  return lines;
}
