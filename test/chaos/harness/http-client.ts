import { Agent, request } from 'node:http';
import { connect } from 'node:net';

export interface HttpAnswer {
  /** 0 when no answer came (reset, closed, timeout). */
  status: number;
  body: string;
  error?: string;
  /** Seconds of a `Retry-After` header, when there was one. */
  retryAfter?: number;
}

/** Keep-alive requests with arbitrary (but well-formed) methods, headers and bodies. */
export class HttpClient {
  private readonly agent: Agent;

  /**
   * `inFlight` is the most requests the caller has open at once. The pool gets room for more, so
   * no request ever waits for a busy socket: one that did would be handed that socket as it frees
   * up with `reusedSocket` false, and losing the keep-alive race there would look like a server
   * hanging up on a new connection.
   */
  constructor(
    private readonly host: string,
    private readonly port: number,
    inFlight: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: inFlight * 2 });
  }

  /**
   * Sends one request. When a pooled connection turns out to have been closed by the server
   * just as it was reused (the keep-alive race every HTTP client has), the request is sent once
   * more on a fresh connection, as clients do; that is not the server failing to answer.
   */
  async send(
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
    body: Buffer | undefined,
    timeoutMs = 10_000,
  ): Promise<HttpAnswer> {
    const first = await this.once(method, path, headers, body, timeoutMs, this.agent);
    if (first.status !== 0) return first;
    if (!first.reused) return { ...first, error: `${first.error ?? 'closed'} (on a new connection)` };
    const second = await this.once(method, path, headers, body, timeoutMs, false);
    if (second.status !== 0) return second;
    return {
      ...second,
      error: `${first.error ?? 'closed'} on a reused connection, then ${second.error ?? 'closed'} on a new one`,
    };
  }

  private once(
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
    body: Buffer | undefined,
    timeoutMs: number,
    agent: Agent | false,
  ): Promise<HttpAnswer & { reused?: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: HttpAnswer & { reused?: boolean }) => {
        if (settled) return;
        settled = true;
        resolve(a);
      };
      let req: ReturnType<typeof request>;
      try {
        req = request({ host: this.host, port: this.port, method, path, headers, agent, timeout: timeoutMs }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (err) =>
            done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), error: err.message }),
          );
        });
      } catch (err) {
        // Node refused to send it (an invalid header, say): not the receiver's doing.
        done({ status: -1, body: '', error: (err as Error).message });
        return;
      }
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err) => done({ status: 0, body: '', error: err.message, reused: req.reusedSocket }));
      if (body !== undefined) req.end(body);
      else req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * Writes raw bytes on a fresh connection and reads until the server closes it: for requests no
 * HTTP client would send (CR/LF inside header values, conflicting lengths, bytes outside ASCII).
 */
export function sendRaw(host: string, port: number, bytes: Buffer, timeoutMs = 5_000): Promise<HttpAnswer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host, port });
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const split = text.indexOf('\r\n\r\n');
      resolve({
        status: m ? Number(m[1]) : 0,
        body: split >= 0 ? text.slice(split + 4) : text,
        ...(error ? { error } : {}),
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // A complete answer with a Content-Length ends the exchange even if the server keeps the
      // connection open.
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split))?.[1];
      if (split >= 0 && length !== undefined && text.length - split - 4 >= Number(length)) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(err.message));
  });
}
