export { createJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from './simulator';
export type { JiraComment, JiraIssue, JiraStore } from './store';
