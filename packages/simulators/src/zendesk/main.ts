import { emailTokenMain } from '../shared/email-token-cli';
import { createZendeskSimulator } from './simulator';

/** Runs the Zendesk simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
export const main = emailTokenMain({
  name: 'zendesk',
  title: 'Zendesk',
  envPrefix: 'ZENDESK',
  defaultPort: 8082,
  create: createZendeskSimulator,
});
