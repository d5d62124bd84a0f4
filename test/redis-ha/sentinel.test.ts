import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningReceiver } from '@ticket-rooms/receiver';
import type { DocspaceSimulator } from '@ticket-rooms/simulators';
import { SentinelGroup, testPrefix, topologyUnavailable } from '@ticket-rooms/testkit';
import { loadWorkerConfig, type RunningWorker, startWorker } from '@ticket-rooms/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_RETRIES, startDocspace } from '../../apps/worker/test/support/harness';
import { type Helpdesks, startHelpdesks } from '../../apps/worker/test/support/helpdesks';
import {
  closeWithin,
  deliverUntilAccepted,
  inParallel,
  type SendOutcome,
  silentLogger,
  startTestReceiver,
  waitForRoomsAndNotes,
  workerEnv,
} from './support';

const unavailable = topologyUnavailable('sentinel');
if (unavailable) process.stdout.write(`Sentinel failover test skipped: ${unavailable}.\n`);

/** Tickets in the run, senders at once, and the ticket whose 202 triggers the kill. */
const TICKETS = 150;
const SENDERS = 4;
const KILL_AFTER_ACCEPTED = 40;
/**
 * How long the senders keep trying, all tickets together: well inside the test's timeout, so a
 * group that never takes writes again fails with its diagnostics instead of timing out silently.
 */
const SENDING_BUDGET_MS = 60_000;

describe.skipIf(unavailable !== undefined)(
  'Redis Sentinel: the primary is SIGKILLed under a flow of deliveries',
  () => {
    let dir: string;
    let group: SentinelGroup;
    let docspace: DocspaceSimulator;
    let helpdesks: Helpdesks;
    let receiver: RunningReceiver;
    let worker: RunningWorker;
    const receiverLog: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ticket-rooms-sentinel-'));
      // Two replicas: after the primary's loss the promoted one still has a replica for
      // REDIS_MIN_REPLICAS_ACK=1, as in a production group of three data nodes.
      group = await SentinelGroup.start(dir, { downAfterMs: 1_000, failoverTimeoutMs: 3_000, replicas: 2 });
      docspace = await startDocspace();
      helpdesks = await startHelpdesks();
      const redisEnv = {
        REDIS_SENTINELS: group.sentinelAddresses.map((a) => `${a.host}:${a.port}`).join(','),
        REDIS_SENTINEL_NAME: group.name,
        QUEUE_PREFIX: testPrefix('sentinel'),
      };
      receiver = await startTestReceiver({ ...redisEnv, REDIS_MIN_REPLICAS_ACK: '1' }, receiverLog);
      worker = await startWorker(loadWorkerConfig(workerEnv(docspace, helpdesks, redisEnv)), {
        logger: silentLogger(),
        retryPolicy: FAST_RETRIES,
        metricsServer: false,
        helpdeskTimeoutMs: 1_000,
      });
    }, 60_000);

    afterAll(async () => {
      // The Redis processes are stopped whatever else fails to close: they would outlive the run.
      try {
        await closeWithin(10_000, [worker?.close(), receiver?.close(), docspace?.close(), helpdesks?.close()]);
      } finally {
        await group?.stop();
        if (dir) rmSync(dir, { recursive: true, force: true });
      }
    }, 30_000);

    it('gives every ticket that got 202 exactly one room and one note, and follows the new primary', async () => {
      const oldPort = await group.primaryPort();
      const base = 700_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
      const ids = Array.from({ length: TICKETS }, (_, i) => String(base + i));

      // Rooms made over time, to see when the worker works again after the kill.
      const roomsAt: Array<{ at: number; count: number }> = [];
      const sampler = setInterval(() => roomsAt.push({ at: Date.now(), count: docspace.portal.roomCount }), 50);

      let accepted = 0;
      let killedAt = 0;
      let promotedAt = 0;
      let killed: Promise<number> | undefined;
      const kill = async (): Promise<number> => {
        killedAt = Date.now();
        await group.node(oldPort).kill();
        const port = await group.promoted(oldPort);
        promotedAt = Date.now();
        // The supervisor brings the old primary back; the sentinels make it a replica of the new
        // one in time (on their periodic check). Deliveries do not wait for it: the other replica
        // already follows the new primary.
        await group.node(oldPort).start();
        return port;
      };

      const sendingEnds = Date.now() + SENDING_BUDGET_MS;
      const outcomes = await inParallel(ids, SENDERS, async (id): Promise<SendOutcome> => {
        const outcome = await deliverUntilAccepted(receiver.url, id, Math.max(0, sendingEnds - Date.now()));
        if (outcome.status === 202) {
          accepted += 1;
          if (accepted === KILL_AFTER_ACCEPTED) killed = kill();
        }
        await new Promise((r) => setTimeout(r, 20));
        return outcome;
      });
      const newPort = await (killed as Promise<number>);
      clearInterval(sampler);

      const notAccepted = outcomes.filter((o) => o.status !== 202);
      const checks = notAccepted.length === 0 ? await waitForRoomsAndNotes(docspace, helpdesks, ids, 45_000) : [];
      const wrong = checks.filter((c) => c.rooms !== 1 || c.notes !== 1);
      if (notAccepted.length > 0 || wrong.length > 0) {
        // Where the group and the receiver stood, so a failure here can be understood from CI's log.
        const refusals = receiverLog.filter((l) => l.includes('"level":50') || l.includes('"level":40')).slice(-5);
        process.stdout.write(
          `sentinel failover failed: ${notAccepted.length} not accepted, ${wrong.length} without exactly one room and note\n` +
            `${await group.diagnostics()}\nreceiver's last warnings:\n${refusals.join('')}\n`,
        );
      }

      // 1. The failover happened, during the flow, and every ticket was accepted in the end.
      expect(newPort).not.toBe(oldPort);
      expect(notAccepted.map((o) => `${o.ticketId}: last answer ${o.status}`)).toEqual([]);
      expect(outcomes.filter((o) => (o.acceptedAt as number) > killedAt).length).toBeGreaterThan(0);

      // 2. Every accepted ticket has exactly one room and one note.
      expect(wrong).toEqual([]);

      // 3. The figures: what the failover cost (printed, not asserted).
      const refused = outcomes.flatMap((o) => o.refused);
      const lastRefusal = Math.max(killedAt, ...outcomes.flatMap((o) => o.refusedAt));
      const followed = Math.min(...outcomes.map((o) => o.acceptedAt as number).filter((t) => t >= lastRefusal));
      const roomsAtPromotion = roomsAt.find((s) => s.at >= promotedAt)?.count ?? 0;
      const firstRoomAfter = roomsAt.find((s) => s.at > promotedAt && s.count > roomsAtPromotion)?.at;
      const failovers = receiverLog.filter((l) => l.includes('Redis failover')).length;
      process.stdout.write(
        [
          `sentinel failover: ${TICKETS} tickets, ${SENDERS} senders, primary + 2 replicas, REDIS_MIN_REPLICAS_ACK=1, down-after 1000 ms`,
          `  answers other than 202: ${refused.filter((s) => s === 503).length} × 503, ${refused.filter((s) => s === 0).length} connection errors, over ${new Set(outcomes.filter((o) => o.refused.length > 0).map((o) => o.ticketId)).size} tickets`,
          `  sentinels promoted the replica ${((promotedAt - killedAt) / 1000).toFixed(1)} s after the kill`,
          `  receiver: refused deliveries until ${((lastRefusal - killedAt) / 1000).toFixed(1)} s after the kill, accepted again from ${((followed - killedAt) / 1000).toFixed(1)} s; failover log lines: ${failovers}`,
          `  worker: first new room ${firstRoomAfter ? `${((firstRoomAfter - killedAt) / 1000).toFixed(1)} s after the kill` : 'not seen by the sampler'}`,
          '',
        ].join('\n'),
      );
    }, 120_000);
  },
);
