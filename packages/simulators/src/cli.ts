// `pnpm sim <name> [--port N] [...]`: runs one simulator alone and prints its base URL and credentials.
export {};

const simulators: Record<string, () => Promise<{ main(argv: string[]): Promise<void> }>> = {
  docspace: () => import('./docspace/main'),
  zendesk: () => import('./zendesk/main'),
  freshdesk: () => import('./freshdesk/main'),
  jira: () => import('./jira/main'),
};

const [name, ...rest] = process.argv.slice(2);
const load = name ? simulators[name] : undefined;
if (!load) {
  console.error(`usage: pnpm sim <${Object.keys(simulators).join('|')}> [--port N] [options]`);
  process.exit(2);
}
await (await load()).main(rest);
