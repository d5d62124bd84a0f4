import { emailTokenMain } from '../shared/email-token-cli';
import { createJiraSimulator } from './simulator';

/** Runs the Jira simulator alone until SIGINT/SIGTERM, printing its base URL and credentials. */
export const main = emailTokenMain({
  name: 'jira',
  title: 'Jira',
  envPrefix: 'JIRA',
  defaultPort: 8084,
  create: createJiraSimulator,
});
