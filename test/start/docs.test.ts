import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { FRESHDESK_AUTOMATION_BODY_TEMPLATE, ZENDESK_TRIGGER_BODY_TEMPLATE } from '@ticket-rooms/helpdesk';
import { ReceiverEnv } from '@ticket-rooms/receiver';
import { loadWorkerConfig, WorkerEnv } from '@ticket-rooms/worker';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENV_FILE_VARIABLE } from '../../scripts/stack/env-file';
import { DATA_DIR_VARIABLE, REPO_ROOT } from '../../scripts/stack/paths';

// The docs make promises a reader acts on without reading the code; these checks keep them true.
const DOCS = join(REPO_ROOT, 'docs');
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

function variablesOf(schema: z.ZodType): string[] {
  const object = schema instanceof z.ZodObject ? schema : (schema as unknown as { in: z.ZodObject }).in;
  return Object.keys(object.shape);
}

describe('docs/configuration.md', () => {
  const text = read('docs/configuration.md');
  const documented = new Set([...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]));

  it('has a row for every variable the receiver, the worker and pnpm start read', () => {
    const read = [
      ...variablesOf(ReceiverEnv),
      ...variablesOf(WorkerEnv),
      DATA_DIR_VARIABLE,
      ENV_FILE_VARIABLE,
      'LOG_FORMAT',
    ];
    expect(read.length).toBeGreaterThan(40);
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe('docs/configuration.md routing examples', () => {
  const text = read('docs/configuration.md');
  const section = text.slice(text.indexOf('## Routing rules'));
  const examples = [...section.matchAll(/^### Example: (.+)\n\n```yaml\n([\s\S]*?)```/gm)];
  const env = { DOCSPACE_URL: 'https://acme.onlyoffice.com', DOCSPACE_API_KEY: 'sk-x' };

  it('has three examples, each of which the worker accepts as it is', () => {
    expect(examples).toHaveLength(3);
    const dir = mkdtempSync(join(tmpdir(), 'routing-docs-'));
    for (const [, title, yaml] of examples) {
      const file = join(dir, 'routing.yaml');
      writeFileSync(file, yaml as string);
      const routing = loadWorkerConfig({ ...env, ROUTING_FILE: file }).routing;
      expect(routing.rules.length, title).toBeGreaterThan(0);
    }
  });
});

describe('docs/helpdesk-setup.md', () => {
  const text = read('docs/helpdesk-setup.md');
  it('quotes the Zendesk trigger body and the Freshdesk automation body exactly as the parsers read them', () => {
    expect(text).toContain(`\`\`\`json\n${indent(ZENDESK_TRIGGER_BODY_TEMPLATE, '   ')}\n   \`\`\``);
    expect(text).toContain(`\`\`\`json\n${indent(FRESHDESK_AUTOMATION_BODY_TEMPLATE, '   ')}\n   \`\`\``);
  });
});

function indent(block: string, by: string): string {
  return block
    .split('\n')
    .map((line) => `${by}${line}`)
    .join('\n');
}

describe('docs/docspace-setup.md', () => {
  const text = read('docs/docspace-setup.md');
  const env = { DOCSPACE_URL: 'https://acme.onlyoffice.com', DOCSPACE_API_KEY: 'sk-x' };

  it('lists room type names the worker accepts, with their numbers', () => {
    const rows = [...text.matchAll(/^\| `([a-z-]+)`(?: \(default\))? *\| ([^|]+) \| *(\d) *\|/gm)];
    expect(rows.map((r) => r[1])).toEqual(['collaboration', 'custom', 'public', 'fillingforms', 'virtualdata', 'ai']);
    for (const [, name, aliases, number] of rows) {
      const spellings = [name as string, ...[...(aliases as string).matchAll(/`([^`]+)`/g)].map((m) => m[1] as string)];
      for (const spelling of spellings) {
        expect(loadWorkerConfig({ ...env, ROOM_TYPE: spelling }).room.type, spelling).toBe(Number(number));
      }
    }
  });

  it('gives a ROOM_SHARE example the worker accepts', () => {
    const example = /^ROOM_SHARE='(.+)'$/m.exec(text)?.[1];
    expect(example).toBeDefined();
    const share = loadWorkerConfig({ ...env, ROOM_SHARE: example }).room.share;
    expect(share.map((s) => s.type)).toEqual(['user', 'group']);
  });

  it('states exactly the roles each room type allows, as the worker checks them', () => {
    const all = ['RoomManager', 'ContentCreator', 'Editing', 'Review', 'Comment', 'Read', 'FillForms'];
    const accepts = (type: string, subject: 'user' | 'group', role: string) => {
      const share = [{ id: '00000000-0000-4000-8000-000000000001', type: subject, role }];
      try {
        loadWorkerConfig({ ...env, ROOM_TYPE: type, ROOM_SHARE: JSON.stringify(share) });
        return true;
      } catch {
        return false;
      }
    };
    const rows = [
      ...text.matchAll(/^\| (collaboration|custom|public|fillingforms|virtualdata|ai) +\| ([^|]+) \| ([^|]+) \|$/gm),
    ];
    expect(rows).toHaveLength(6);
    for (const [, type, users, groups] of rows) {
      for (const [subject, listed] of [
        ['user', users],
        ['group', groups],
      ] as const) {
        const documented = (listed as string).split(',').map((r) => r.trim());
        expect(
          all.filter((role) => accepts(type as string, subject, role)),
          `${type} ${subject}`,
        ).toEqual(all.filter((role) => documented.includes(role)));
      }
    }
  });
});

describe('links in the README and docs', () => {
  const files = [
    'README.md',
    ...readdirSync(DOCS)
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const slug = (heading: string) =>
    heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s/g, '-');

  it.each(files)('%s links only to files and headings that exist', (file) => {
    const broken: string[] = [];
    for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target as string)) continue;
      const [path, anchor] = (target as string).split('#');
      const resolved = path ? resolve(dirname(join(REPO_ROOT, file)), path) : join(REPO_ROOT, file);
      if (!existsSync(resolved)) {
        broken.push(target as string);
        continue;
      }
      if (anchor && resolved.endsWith('.md')) {
        const headings = [...readFileSync(resolved, 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1] as string));
        if (!headings.includes(anchor)) broken.push(target as string);
      }
    }
    expect(broken).toEqual([]);
  });
});
