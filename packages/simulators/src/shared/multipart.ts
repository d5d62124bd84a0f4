import type { Readable } from 'node:stream';

/** One part's headers: its form field name and, for a file, the file name and media type. */
export interface PartInfo {
  name: string;
  filename: string | undefined;
  contentType: string | undefined;
}

/** Where a file part's bytes go, chunk by chunk, so a large file never sits in memory. */
export interface PartSink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

export interface MultipartHandlers {
  onField(name: string, value: string): void;
  onFile(info: PartInfo): PartSink;
}

/** The boundary of a `multipart/form-data` content type; `undefined` when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function headerParam(header: string, name: string): string | undefined {
  // RFC 5987 `filename*=UTF-8''…` wins over the plain form, as browsers and servers read it.
  const star = new RegExp(`(?:^|;)\\s*${name}\\*=(?:UTF-8|utf-8)''([^;]+)`).exec(header);
  if (star?.[1]) return decodeURIComponent(star[1]);
  const m =
    new RegExp(`(?:^|;)\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(header) ??
    new RegExp(`(?:^|;)\\s*${name}=([^;]+)`).exec(header);
  return m?.[1] === undefined ? undefined : Buffer.from(m[1].replace(/\\(.)/g, '$1'), 'latin1').toString('utf8');
}

function parseHeaders(block: string): PartInfo {
  let disposition = '';
  let contentType: string | undefined;
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === 'content-disposition') disposition = value;
    if (key === 'content-type') contentType = value;
  }
  return { name: headerParam(disposition, 'name') ?? '', filename: headerParam(disposition, 'filename'), contentType };
}

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 1024 * 1024;

/**
 * Reads a `multipart/form-data` body as it arrives: fields as strings, files handed to a sink
 * chunk by chunk (the sink's promise is awaited, so a slow disk slows the upload instead of
 * filling memory). Only a boundary's length of bytes is held back between chunks.
 */
export async function readMultipart(body: Readable, boundary: string, handlers: MultipartHandlers): Promise<void> {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buf: Buffer = Buffer.alloc(0);
  let state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  let sink: PartSink | undefined;
  let field: { name: string; chunks: Buffer[]; size: number } | undefined;

  const emit = async (chunk: Buffer) => {
    if (chunk.length === 0) return;
    if (sink) await sink.write(chunk);
    else if (field) {
      field.size += chunk.length;
      if (field.size > MAX_FIELD_BYTES) throw new Error(`form field ${field.name} is larger than 1 MB`);
      field.chunks.push(chunk);
    }
  };
  const finishPart = async () => {
    if (sink) await sink.end();
    else if (field) handlers.onField(field.name, Buffer.concat(field.chunks).toString('utf8'));
    sink = undefined;
    field = undefined;
  };

  for await (const piece of body as AsyncIterable<Buffer>) {
    buf = buf.length === 0 ? piece : Buffer.concat([buf, piece]);
    for (;;) {
      if (state === 'preamble') {
        const i = buf.indexOf(opening);
        if (i < 0 || buf.length < i + opening.length + 2) break;
        const after = buf.subarray(i + opening.length, i + opening.length + 2).toString('latin1');
        buf = buf.subarray(i + opening.length + 2);
        state = after === '--' ? 'done' : 'headers';
      } else if (state === 'headers') {
        const i = buf.indexOf('\r\n\r\n');
        if (i < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw new Error('a multipart part has headers over 16 KB');
          break;
        }
        const info = parseHeaders(buf.subarray(0, i).toString('latin1'));
        buf = buf.subarray(i + 4);
        if (info.filename !== undefined) sink = handlers.onFile(info);
        else field = { name: info.name, chunks: [], size: 0 };
        state = 'body';
      } else if (state === 'body') {
        const i = buf.indexOf(delimiter);
        if (i < 0) {
          // Keep what could be the start of a delimiter split across chunks.
          const keep = Math.min(buf.length, delimiter.length + 1);
          await emit(buf.subarray(0, buf.length - keep));
          buf = buf.subarray(buf.length - keep);
          break;
        }
        if (buf.length < i + delimiter.length + 2) {
          await emit(buf.subarray(0, i));
          buf = buf.subarray(i);
          break;
        }
        await emit(buf.subarray(0, i));
        const after = buf.subarray(i + delimiter.length, i + delimiter.length + 2).toString('latin1');
        buf = buf.subarray(i + delimiter.length + 2);
        await finishPart();
        state = after === '--' ? 'done' : 'headers';
      } else {
        break;
      }
    }
    // Copy the small remainder so the large chunk it came from can be collected.
    if (buf.length > 0 && buf.length < 64 * 1024) buf = Buffer.from(buf);
  }
  if (state !== 'done') throw new Error('the multipart body ended before its closing boundary');
}
