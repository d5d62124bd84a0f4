import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRedisServer, freePort, type HostPort } from '@ticket-rooms/core';
import { Redis } from 'ioredis';

/** Why a topology cannot be started here, or `undefined` when it can. One sentence. */
export function topologyUnavailable(kind: 'sentinel' | 'cluster'): string | undefined {
  if (!findRedisServer()) return 'redis-server is not on PATH';
  const tool = kind === 'sentinel' ? 'redis-sentinel' : 'redis-cli';
  const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? undefined : `${tool} is not on PATH`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`${what} within ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
}

/** One-shot command to a node, with no retries: the probes poll on their own. */
async function ask(port: number, ...args: (string | number)[]): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    client.disconnect();
  }
}

/** A redis-server or redis-sentinel process on loopback, from a config file in its own dir. */
export class RedisNode {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly port: number,
    private readonly config: string,
    private readonly binary: 'redis-server' | 'redis-sentinel' = 'redis-server',
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get address(): HostPort {
    return { host: '127.0.0.1', port: this.port };
  }

  /** Starts the process; the config file is written once, so a sentinel's rewrites survive a restart. */
  async start(): Promise<this> {
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${this.binary}.conf`);
    if (!this.child && this.output === '') writeFileSync(file, this.config);
    this.output = '';
    const child = spawn(this.binary, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await until(`${this.name} on port ${this.port} did not answer PING`, 15_000, async () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited: ${this.output.trim()}`);
      return (await ask(this.port, 'PING')) === 'PONG' ? true : undefined;
    });
    return this;
  }

  /** SIGKILL: no shutdown, no final write. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  }
}

function serverConfig(port: number, dir: string, extra: string[] = []): string {
  return [
    `port ${port}`,
    'bind 127.0.0.1',
    `dir ${dir}`,
    'appendonly yes',
    'appendfsync everysec',
    'maxmemory-policy noeviction',
    'save ""',
    'protected-mode no',
    'loglevel warning',
    ...extra,
  ].join('\n');
}

export interface SentinelGroupOptions {
  /** Name the sentinels monitor the primary under. */
  name?: string;
  /** Short, so a test sees a failover within seconds. */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  /**
   * Replicas of the primary (default 1). With two, the primary's loss leaves the promoted one a
   * replica at once (the sentinels repoint the other during the failover), instead of waiting for
   * the old primary to come back and be turned into a replica, which the sentinels do only on
   * their slow periodic check of it.
   */
  replicas?: number;
}

/**
 * One primary, one replica and three sentinels (quorum 2) on free loopback ports, each in a
 * directory under `dir`: the smallest Sentinel deployment that survives losing any one process.
 */
export class SentinelGroup {
  private constructor(
    readonly name: string,
    readonly primary: RedisNode,
    readonly replicas: RedisNode[],
    readonly sentinels: RedisNode[],
  ) {}

  static async start(dir: string, opts: SentinelGroupOptions = {}): Promise<SentinelGroup> {
    const name = opts.name ?? 'mymaster';
    const replicaCount = opts.replicas ?? 1;
    const [p, ...rest] = await Promise.all(Array.from({ length: 4 + replicaCount }, () => freePort()));
    const r = rest.slice(0, replicaCount);
    const s = rest.slice(replicaCount);
    const primary = new RedisNode(
      'primary',
      join(dir, 'primary'),
      p as number,
      serverConfig(p as number, join(dir, 'primary')),
    );
    const replicas = r.map(
      (port, i) =>
        new RedisNode(
          `replica-${i + 1}`,
          join(dir, `replica-${i + 1}`),
          port,
          serverConfig(port, join(dir, `replica-${i + 1}`), [`replicaof 127.0.0.1 ${p}`]),
        ),
    );
    const sentinels = s.map(
      (port, i) =>
        new RedisNode(
          `sentinel-${i + 1}`,
          join(dir, `sentinel-${i + 1}`),
          port,
          [
            `port ${port}`,
            'bind 127.0.0.1',
            `dir ${join(dir, `sentinel-${i + 1}`)}`,
            'protected-mode no',
            // Notice level, to a file: what a failover did is read back by `diagnostics()`.
            'loglevel notice',
            `logfile ${join(dir, `sentinel-${i + 1}`, 'sentinel.log')}`,
            `sentinel monitor ${name} 127.0.0.1 ${p} 2`,
            `sentinel down-after-milliseconds ${name} ${opts.downAfterMs ?? 1_000}`,
            `sentinel failover-timeout ${name} ${opts.failoverTimeoutMs ?? 3_000}`,
            `sentinel parallel-syncs ${name} ${replicaCount}`,
          ].join('\n'),
          'redis-sentinel',
        ),
    );
    const group = new SentinelGroup(name, primary, replicas, sentinels);
    try {
      await primary.start();
      await Promise.all(replicas.map((n) => n.start()));
      await Promise.all(sentinels.map((n) => n.start()));
      await group.settled(p as number);
    } catch (err) {
      await group.stop();
      throw err;
    }
    return group;
  }

  get sentinelAddresses(): HostPort[] {
    return this.sentinels.map((s) => s.address);
  }

  /** The primary's port as the first sentinel reports it. */
  async primaryPort(): Promise<number> {
    const reply = (await ask(this.sentinels[0]?.port as number, 'SENTINEL', 'get-master-addr-by-name', this.name)) as
      | [string, string]
      | null;
    return Number(reply?.[1]);
  }

  /**
   * Resolves once every sentinel knows the primary `port`, each of its replicas (linked and in
   * sync) and the other sentinels: only then can a failover elect a leader and promote someone.
   */
  async settled(port: number, timeoutMs = 30_000): Promise<void> {
    await until('the sentinel group did not settle', timeoutMs, async () => {
      for (const s of this.sentinels) {
        const addr = (await ask(s.port, 'SENTINEL', 'get-master-addr-by-name', this.name)) as [string, string] | null;
        if (Number(addr?.[1]) !== port) return undefined;
        const replicas = (await ask(s.port, 'SENTINEL', 'replicas', this.name)) as string[][];
        const linked = replicas.filter((fields) => {
          const f = Object.fromEntries(fields.flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1]]] : [])));
          return f['master-link-status'] === 'ok' && !String(f.flags).includes('down');
        });
        const peers = (await ask(s.port, 'SENTINEL', 'sentinels', this.name)) as unknown[];
        if (linked.length < this.replicas.length || peers.length < this.sentinels.length - 1) return undefined;
      }
      return true;
    });
  }

  /** Waits until the sentinels name a primary other than `oldPort`, and returns its port. */
  async promoted(oldPort: number, timeoutMs = 30_000): Promise<number> {
    return until('the sentinels did not promote a replica', timeoutMs, async () => {
      const port = await this.primaryPort();
      return port && port !== oldPort ? port : undefined;
    });
  }

  /** The node listening on `port`. */
  node(port: number): RedisNode {
    const node = [this.primary, ...this.replicas].find((n) => n.port === port);
    if (!node) throw new Error(`no data node on port ${port}`);
    return node;
  }

  /**
   * What each data node says of its role and link, and the last lines of each sentinel's log: to
   * print when a failover test fails, so the failure says where the group stood.
   */
  async diagnostics(): Promise<string> {
    const lines: string[] = [];
    for (const n of [this.primary, ...this.replicas]) {
      const info = await ask(n.port, 'INFO', 'replication').catch((err) => `unreachable: ${String(err)}`);
      const fields = String(info)
        .split('\r\n')
        .filter((l) => /^(role|master_port|master_link_status|connected_slaves|slave\d+):/.test(l));
      lines.push(`${n.name} :${n.port} ${fields.join(' ') || String(info)}`);
    }
    for (const s of this.sentinels) {
      const log = join(s.dir, 'sentinel.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-25) : ['(no log)'];
      lines.push(`${s.name} :${s.port} log:`, ...tail.map((l) => `  ${l}`));
    }
    return lines.join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.sentinels, ...this.replicas, this.primary].map((n) => n.stop()));
  }
}

/**
 * A Redis Cluster of `primaries` nodes without replicas on free loopback ports, its slots shared
 * out by `redis-cli --cluster create`.
 */
export class LocalCluster {
  private constructor(readonly nodes: RedisNode[]) {}

  static async start(dir: string, primaries = 3): Promise<LocalCluster> {
    const ports = await Promise.all(Array.from({ length: primaries }, () => freePort()));
    const nodes = ports.map(
      (port, i) =>
        new RedisNode(
          `node-${i + 1}`,
          join(dir, `node-${i + 1}`),
          port,
          serverConfig(port, join(dir, `node-${i + 1}`), [
            'cluster-enabled yes',
            'cluster-config-file nodes.conf',
            'cluster-node-timeout 2000',
          ]),
        ),
    );
    const cluster = new LocalCluster(nodes);
    try {
      await Promise.all(nodes.map((n) => n.start()));
      const created = spawnSync(
        'redis-cli',
        ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
        { encoding: 'utf8', timeout: 30_000 },
      );
      if (created.status !== 0)
        throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
      await until('the cluster did not reach cluster_state:ok', 30_000, async () => {
        for (const n of nodes) {
          if (!String(await ask(n.port, 'CLUSTER', 'INFO')).includes('cluster_state:ok')) return undefined;
        }
        return true;
      });
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get addresses(): HostPort[] {
    return this.nodes.map((n) => n.address);
  }

  /** How many keys each node holds, by port. */
  async keysPerNode(): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const n of this.nodes) out.set(n.port, Number(await ask(n.port, 'DBSIZE')));
    return out;
  }

  /** The port of the node serving `slot`. */
  async ownerOf(slot: number): Promise<number> {
    const slots = (await ask(this.nodes[0]?.port as number, 'CLUSTER', 'SLOTS')) as Array<
      [number, number, [string, number]]
    >;
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    return Number(range?.[2][1]);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((n) => n.stop()));
  }
}
