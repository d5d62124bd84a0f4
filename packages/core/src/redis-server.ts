import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

/** One sentence for people who have no Redis at all. */
export const REDIS_MISSING_MESSAGE =
  'No Redis is available: set REDIS_URL to a running Redis 6.2+, or install redis-server (Debian/Ubuntu: `sudo apt-get install -y redis-server`; macOS: `brew install redis`) so it can be started for you.';

export function findRedisServer(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface LocalRedisOptions {
  /** Data directory: the AOF lives here, so a restart on the same dir recovers the data. */
  dir: string;
  port?: number;
  binary?: string;
  /** `everysec` by default, as in production. */
  appendfsync?: 'always' | 'everysec' | 'no';
  /**
   * Run redis-server in a process group of its own. A Ctrl-C in a terminal signals the whole
   * foreground group; `pnpm start` wants Redis to outlive that signal so it can stop Redis last,
   * after the worker has handed its jobs back.
   */
  detached?: boolean;
}

/**
 * A `redis-server` child process on loopback with AOF on and `noeviction`, the settings BullMQ
 * needs. Used by `pnpm start`, the tests and the crash runs (which kill and restart it).
 */
export class LocalRedis {
  readonly dir: string;
  port = 0;
  private child: ChildProcess | undefined;
  private readonly binary: string;
  private readonly appendfsync: string;
  private readonly detached: boolean;

  constructor(opts: LocalRedisOptions) {
    this.dir = opts.dir;
    this.port = opts.port ?? 0;
    const binary = opts.binary ?? findRedisServer();
    if (!binary) throw new Error(REDIS_MISSING_MESSAGE);
    this.binary = binary;
    this.appendfsync = opts.appendfsync ?? 'everysec';
    this.detached = opts.detached ?? false;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<this> {
    if (this.port === 0) this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      this.appendfsync,
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
      '--protected-mode',
      'no',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: this.detached });
    this.child = child;
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await this.waitReady(() => output);
    return this;
  }

  private async waitReady(output: () => string): Promise<void> {
    const { Redis } = await import('ioredis');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new Error(`redis-server exited with code ${this.child.exitCode}: ${output().trim().slice(-500)}`);
      }
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        // While the AOF is replayed Redis answers LOADING; wait until it is done.
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    throw new Error(`redis-server on port ${this.port} did not become ready within 15 s`);
  }

  /** SIGKILL, as a crash would: no final AOF flush beyond what `appendfsync` already wrote. */
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
    this.child = undefined;
  }
}
