import { createDocspaceSimulator, type DocspaceSimulator } from '@ticket-rooms/simulators';
import { seededBytes, sha256Of } from '@ticket-rooms/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDocspaceClient, type DocspaceClient, DocspaceError, RoomType } from '../src/index';

/**
 * Chunked uploads through the simulator's upload session: the bytes that come back through the
 * file's download URL are the bytes sent, duplicate names are renamed as DocSpace does, and a
 * failure leaves either no file or (when only the answer was lost) exactly one.
 */

const KEY = `sk-${'ab'.repeat(32)}`;
const MB = 1024 * 1024;
let sim: DocspaceSimulator;
let baseUrl: string;
let ds: DocspaceClient;

beforeAll(async () => {
  sim = await createDocspaceSimulator({ apiKey: KEY, operationMs: 10 });
  baseUrl = await sim.listen({ port: 0, host: '127.0.0.1' });
  ds = createDocspaceClient({ baseUrl, apiKey: KEY, timeoutMs: 5_000 });
});

afterEach(() => sim.faults.set({}));

afterAll(async () => {
  await ds.close();
  await sim.close();
});

async function newFolder(): Promise<number> {
  const room = await ds.createRoom({ title: 'Uploads', roomType: RoomType.Custom });
  return (await ds.createFolder(room.id, 'Attachments')).id;
}

/** The file's bytes as DocSpace serves them through its presigned URL, hashed. */
async function downloadedSha(fileId: number): Promise<string> {
  const res = await fetch(`${baseUrl}/api/2.0/files/file/${fileId}/presigneduri`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const url = ((await res.json()) as { response: string }).response;
  const file = await fetch(url);
  expect(file.status).toBe(200);
  return sha256Of(file.body as unknown as AsyncIterable<Uint8Array>);
}

describe('uploadFile', () => {
  it('stores the exact bytes of a multi-chunk file, a non-ASCII name and two same-named files', async () => {
    const folder = await newFolder();
    const big = await ds.uploadFile(folder, {
      title: 'capture.pcap',
      size: 30 * MB + 123,
      body: seededBytes('big', 30 * MB + 123),
      chunkBytes: 10 * MB,
    });
    const accent = await ds.uploadFile(folder, {
      title: 'Prüfbericht – Ärger.pdf',
      size: 5_000,
      body: seededBytes('a', 5_000),
    });
    const first = await ds.uploadFile(folder, { title: 'log.txt', size: 10, body: seededBytes('l1', 10) });
    const second = await ds.uploadFile(folder, { title: 'log.txt', size: 20, body: seededBytes('l2', 20) });

    expect(big.size).toBe(30 * MB + 123);
    expect(accent.title).toBe('Prüfbericht – Ärger.pdf');
    expect([first.title, second.title]).toEqual(['log.txt', 'log (1).txt']);
    expect(await downloadedSha(big.id)).toBe(await sha256Of(seededBytes('big', 30 * MB + 123)));
    expect(await downloadedSha(accent.id)).toBe(await sha256Of(seededBytes('a', 5_000)));
    expect(await downloadedSha(second.id)).toBe(await sha256Of(seededBytes('l2', 20)));
    const listed = await ds.listFiles(folder);
    expect(listed.map((f) => f.title)).toEqual(['capture.pcap', 'Prüfbericht – Ärger.pdf', 'log.txt', 'log (1).txt']);
  });

  it('leaves no file when a chunk fails, and reports it as retryable', async () => {
    const folder = await newFolder();
    sim.faults.set({ errorRate: 1, only: '/ChunkedUploader.ashx', limit: 1 });
    const err = await ds
      .uploadFile(folder, { title: 'a.bin', size: 2048, body: seededBytes('x', 2048), chunkBytes: 1024 })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(DocspaceError);
    expect((err as DocspaceError).retryable).toBe(true);
    expect(await ds.listFiles(folder)).toEqual([]);
  });

  it('commits the file even when the answer to the last chunk is lost', async () => {
    const folder = await newFolder();
    sim.faults.set({ dropAfterCommitRate: 1, only: '/ChunkedUploader.ashx', limit: 1 });
    await expect(
      ds.uploadFile(folder, { title: 'lost.bin', size: 1000, body: seededBytes('lost', 1000) }),
    ).rejects.toMatchObject({ code: 'NETWORK', retryable: true });
    const files = await ds.listFiles(folder);
    expect(files).toMatchObject([{ title: 'lost.bin', size: 1000 }]);
  });

  it('refuses a body longer than the size it announced, leaving no file', async () => {
    const folder = await newFolder();
    await expect(
      ds.uploadFile(folder, { title: 'long.bin', size: 100, body: seededBytes('long', 200) }),
    ).rejects.toThrow(/larger than the 100 bytes/);
    expect(await ds.listFiles(folder)).toEqual([]);
  });
});
