const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** Fields worth a glance on a developer's terminal, in this order. */
const SHOWN_FIELDS = ['source', 'ticketId', 'status', 'code', 'jobId', 'queue', 'stage', 'url'] as const;

export type LogFormat = 'pretty' | 'json';

/**
 * One line of pino JSON as a short human line: `12:00:01 worker  info  room: created room 3 …`.
 * Lines that are not pino JSON pass through unchanged.
 */
export function prettyLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '--:--:--';
  const level = LEVELS[record.level as number] ?? String(record.level);
  const name = typeof record.name === 'string' ? record.name : '';
  const msg = typeof record.msg === 'string' ? record.msg : '';
  const extras = SHOWN_FIELDS.filter((k) => record[k] !== undefined && !msg.includes(String(record[k]))).map(
    (k) => `${k}=${String(record[k])}`,
  );
  const err = record.err as { message?: unknown } | string | undefined;
  const errText = typeof err === 'string' ? err : typeof err?.message === 'string' ? err.message : '';
  const tail = [extras.join(' '), errText ? `(${errText})` : ''].filter(Boolean).join(' ');
  return `${time} ${name.padEnd(8)} ${level.padEnd(5)} ${msg}${tail ? `  ${tail}` : ''}`;
}

/**
 * Where the apps' logs go under `pnpm start`: stdout, as pretty lines or as pino's JSON. Lines are
 * held back while the stack starts, so the first lines of output are the announcement of what
 * runs where, and are let through once it is printed.
 */
export class LogOutput {
  private held: string[] | undefined = [];

  constructor(
    private readonly format: LogFormat,
    private readonly out: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  write(chunk: string): void {
    for (const line of chunk.split('\n')) {
      if (line === '') continue;
      const text = `${this.format === 'pretty' ? prettyLine(line) : line}\n`;
      if (this.held) this.held.push(text);
      else this.out(text);
    }
  }

  /** Lets held and future lines through. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const text of held) this.out(text);
  }
}

export function logFormatFrom(value: string | undefined): LogFormat {
  return value?.toLowerCase() === 'json' ? 'json' : 'pretty';
}
