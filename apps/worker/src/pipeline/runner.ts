import { type Source, type TicketEvent, ticketKey } from '@ticket-rooms/core';
import { DelayedError, type Job, RateLimitError, UnrecoverableError } from 'bullmq';
import type { JobKeys } from '../ledger/bullmq-trail';
import { LedgerCorruptError } from '../ledger/codec';
import { emptyEntry, isDone, type LedgerEntry, type LedgerUpdate, mergeUpdate } from '../ledger/entry';
import type {
  DocspacePort,
  HandoffRoom,
  HelpdeskPort,
  Lane,
  RoutingPort,
  StageContext,
  StageDefinition,
  StageOutcome,
} from '../stages/context';
import { skipped } from '../stages/context';
import { skipReason } from '../stages/route-stage';
import { shareResolverFor } from '../stages/share-resolver';
import type { Pipeline } from './pipelines';
import { stepOf } from './pipelines';
import { type FailureContext, failStage } from './queue-behaviour';
import type { TicketLocks } from './ticket-lock';

export interface RunnerDeps extends FailureContext {
  docspace: DocspacePort;
  /** Each ticket's room settings: those of the rule its route stage recorded. */
  routing: RoutingPort;
  /** The ticket's helpdesk for write-back stages; `undefined` for sources with none. */
  helpdeskOf(source: Source): HelpdeskPort | undefined;
  /** The queue that runs a lane's stages for a source; `undefined`: no queue of its own, run in the job at hand. */
  queueOf(lane: Lane, source: Source): string | undefined;
  /** True once shutdown began: the job goes back to the queue before its next stage. */
  stopping(): boolean;
  lockDurationMs: number;
  /** BullMQ's Redis keys of a job of this queue, for writing its log and progress with the checkpoint. */
  jobKeys(jobId: string): JobKeys;
  /** One job of a ticket at a time on lanes that change the room; `undefined` where that is not needed. */
  ticketLocks?: TicketLocks;
  /** Counts what the reconciling stages changed (archived, unarchived, renamed). */
  onChange?(change: string): void;
  /** The Redis server's run id now (see `RedisEpoch`); `undefined` where unknown. */
  redisEpoch?(): string | undefined;
}

/** What the job shows in Bull Board as its progress: step `step` of `of` of its pipeline. */
export interface JobProgress {
  stage: string;
  step: number;
  of: number;
  done: string[];
}

export interface LaneRun {
  key: string;
  entry: LedgerEntry;
  /** The first stage still to run, on another lane's queue; `undefined` when this job is through. */
  next: StageDefinition | undefined;
  /** Why the pipeline stopped early for this job (nothing to act on yet). */
  halted?: string;
  /** The stages this job ran (rather than found done in the ledger). */
  ran: ReadonlySet<string>;
}

/** How long a job whose ticket is busy waits before it looks again, jittered so waiters spread out. */
const BUSY_RETRY_MS = { base: 150, jitter: 350 };

function progressOf(pipeline: Pipeline, stage: StageDefinition, entry: LedgerEntry): JobProgress {
  return {
    stage: stage.name,
    ...stepOf(pipeline, stage),
    done: pipeline.filter((s) => isDone(entry.stages[s.name])).map((s) => s.name),
  };
}

type Recorded = Extract<StageOutcome<unknown>, { state: 'done' | 'skipped' }>;

/** The ledger update a stage's outcome makes: its state, its result (and what it changed elsewhere), no last error. */
function updateOf(stage: StageDefinition, outcome: Recorded): LedgerUpdate {
  const update: Record<string, unknown> = {
    stage: {
      name: stage.name,
      state: outcome.state,
      ...(outcome.state === 'skipped' ? { reason: outcome.reason } : {}),
    },
    lastError: null,
  };
  if (outcome.state === 'done' && outcome.also) Object.assign(update, outcome.also);
  if (outcome.result !== undefined) update[stage.field] = outcome.result;
  return update as LedgerUpdate;
}

/** The ledger, read (and the event's news recorded) as the job starts; a corrupt entry fails the job now. */
async function startingEntry(event: TicketEvent, key: string, deps: RunnerDeps, log: RunnerDeps['logger']) {
  try {
    return (
      (await deps.ledger.observe(event)) ??
      emptyEntry({ key, source: event.source, tenant: event.tenant, ticketId: event.ticketId }, new Date())
    );
  } catch (err) {
    if (!(err instanceof LedgerCorruptError)) throw err;
    log.error({ code: err.code, field: err.field }, err.message);
    throw new UnrecoverableError(err.message);
  }
}

/**
 * Runs the stages of `pipeline` that belong to this job's lane, in order, each checkpointed in
 * the ticket ledger with its job log line and the next stage's progress (one script). A stage
 * whose result is in the ledger is skipped, so a retry, a restarted worker or an operator's
 * "retry" resumes where the last run stopped; a reconciling stage runs every time and acts only
 * where the room differs from what the ticket says now. Stops at the first stage that runs on
 * another lane's queue and says which. On a lane with ticket locks, one job of a ticket runs at a
 * time: a job whose ticket is busy waits its turn without using an attempt.
 */
export async function runLane(
  run: {
    job: Job;
    token: string | undefined;
    lane: Lane;
    queue: string;
    pipeline: Pipeline;
    event: TicketEvent;
    handoff?: HandoffRoom;
    /** Runs once the ticket is held, before the ledger is read (a repair's check of the room). */
    prepare?: () => Promise<void>;
  },
  deps: RunnerDeps,
): Promise<LaneRun> {
  const { job, token, event } = run;
  const key = ticketKey(event);
  const log = deps.logger.child({ jobId: job.id, ticket: key, source: event.source, ticketId: event.ticketId });

  // 1. The ticket, for this job alone.
  // (Given back by the worker when BullMQ has finished the job: see TicketLocks.release.)
  const held = await deps.ticketLocks?.acquire(key, job.id as string);
  if (deps.ticketLocks && !held) {
    await job.moveToDelayed(Date.now() + BUSY_RETRY_MS.base + Math.random() * BUSY_RETRY_MS.jitter, token);
    throw new DelayedError();
  }
  try {
    await run.prepare?.();
    return await runStages(run, deps, key, log);
  } catch (err) {
    // Back to the queue unfinished (shutdown, a rate limit): no finished event will give the
    // ticket back, so give it back now. Otherwise the worker does once BullMQ has the outcome.
    if (err instanceof DelayedError || err instanceof RateLimitError) await deps.ticketLocks?.release(job.id as string);
    throw err;
  }
}

async function runStages(
  run: Parameters<typeof runLane>[0],
  deps: RunnerDeps,
  key: string,
  log: RunnerDeps['logger'],
): Promise<LaneRun> {
  const { job, token, pipeline, event } = run;
  // 2. Resume from the ledger, with the event's news recorded.
  let entry = await startingEntry(event, key, deps, log);
  const ranThisRun = new Set<string>();
  const helpdesk = deps.helpdeskOf(event.source);

  // 3. Run each stage of this lane that is not in the ledger yet (and every reconciling one).
  //    The first stage's progress is written on its own; every later one's goes out with the
  //    checkpoint before it. A job handed over from another lane starts at its own lane's first
  //    stage: the stages before it were the handing lane's, and the handoff carries what they made.
  let progressWritten: Promise<unknown> | undefined;
  let reached = run.handoff === undefined;
  // DocSpace calls made so far in this job, and what the last checkpoint said about the job's
  // lock at that count: while nothing was called since, that check stands for a create.
  let calls = 0;
  const docspace = countingCalls(deps.docspace, () => {
    calls += 1;
  });
  const countedHelpdesk =
    helpdesk?.writer === undefined
      ? helpdesk
      : {
          ...helpdesk,
          writer: countingCalls(helpdesk.writer, () => {
            calls += 1;
          }),
        };
  let lock: { owned: boolean; atCall: number; at: number } | undefined;
  // Results of stages that called nobody, not written yet: they go out with the next checkpoint
  // (a crash before it only runs them again).
  const pending: Array<{ update: LedgerUpdate; log: string }> = [];
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const batch = pending.splice(0);
    await deps.ledger.checkpoint(
      event,
      batch.map((p) => p.update),
      {
        keys: deps.jobKeys(job.id as string),
        jobId: job.id as string,
        log: batch.map((p) => p.log),
        ...(job.opts.keepLogs === undefined ? {} : { keepLogs: job.opts.keepLogs }),
      },
      pipeline,
    );
  };
  for (const stage of pipeline as readonly StageDefinition[]) {
    const queue = deps.queueOf(stage.lane, event.source);
    const here = queue === undefined || queue === run.queue;
    reached ||= here;
    if (!reached) continue;
    if (!stage.reconcile && isDone(entry.stages[stage.name as keyof LedgerEntry['stages']])) continue;
    // A ticket its rule gives no room ends here, whichever lane its later stages run on; there is
    // no room to reconcile either.
    const skip = entry.route?.skip ? skipReason(entry.route) : undefined;
    if (skip !== undefined && stage.reconcile) continue;
    if (!here && skip === undefined) {
      await flush();
      return { key, entry, next: stage, ran: ranThisRun };
    }
    if (deps.stopping()) {
      // Shutdown: the stage in hand is checkpointed; hand the job back without using an attempt.
      await job.log(`${stage.name}: worker shutting down; job handed back before this stage`);
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const started = performance.now();
    const calledBefore = calls;
    let ownershipChecked = false;
    const current = entry;
    const ctx: StageContext = {
      event,
      key,
      desired: current.desired,
      resultOf: (s) => (current as Record<string, unknown>)[s.field] as never,
      ranThisRun: (s) => ranThisRun.has(s.name),
      docspace,
      shareResolver: shareResolverFor(deps.docspace),
      settings: deps.routing.settingsFor(current.route?.rule),
      routing: deps.routing,
      helpdesk: countedHelpdesk,
      handoff: run.handoff,
      beforeCreate: async () => {
        // Once per stage, right before its first create: a lock lost later in the same stage
        // would need the event loop blocked for a whole lock duration in between.
        if (token === undefined || ownershipChecked) return;
        ownershipChecked = true;
        // The checkpoint just before, or this stage's progress, checked the lock, and nothing
        // was called since.
        await progressWritten;
        // A check stands while nothing was called since and it is younger than half a lock
        // duration (BullMQ renews the lock that often): an event loop held up longer than that
        // between the check and the create gets a fresh check.
        if (lock !== undefined && lock.atCall === calls && performance.now() - lock.at < deps.lockDurationMs / 2) {
          if (!lock.owned) throw new Error(`worker lost the lock of job ${job.id}; another worker takes it from here`);
          return;
        }
        // Renewing the lock fails when we no longer own the job: then another worker may be
        // running it, and creating now could make a duplicate.
        const owned = await job.extendLock(token, deps.lockDurationMs);
        if (!owned) throw new Error(`worker lost the lock of job ${job.id}; another worker takes it from here`);
      },
    };
    // Shown in Bull Board while the stage runs; written alongside the stage's first call rather
    // than before it, which saves a round trip. A reconciling stage in step shows nothing, and a
    // local stage is over before anyone could look.
    if (!stage.reconcile && !stage.local && progressWritten === undefined) {
      const progress = progressOf(pipeline, stage, entry);
      const atCall = calls;
      const sentAt = performance.now();
      progressWritten = deps.ledger
        .trail({
          keys: deps.jobKeys(job.id as string),
          jobId: job.id as string,
          progress,
          // As the stage may create something first thing, the lock is checked on the way.
          ...(token === undefined ? {} : { lock: { token, durationMs: deps.lockDurationMs } }),
        })
        .then((owned) => {
          job.progress = progress;
          if (owned !== undefined) lock = { owned, atCall, at: sentAt };
        });
    }
    let outcome: StageOutcome<unknown>;
    try {
      outcome = skip === undefined ? await stage.run(ctx) : skipped(skip);
    } catch (err) {
      deps.metrics.stageDuration.observe({ stage: stage.name, result: 'error' }, (performance.now() - started) / 1000);
      await progressWritten?.catch(() => {});
      return failStage(err, stage.name as never, job, event, deps, entry.lastError, pipeline);
    }
    if (outcome.state === 'in-sync') {
      if (outcome.warning) log.warn({ stage: stage.name }, `${stage.name}: ${outcome.warning}`);
      continue;
    }
    if (outcome.state === 'halt') {
      await Promise.all([progressWritten, job.log(`${stage.name}: ${outcome.reason}`), flush()]);
      log.info({ stage: stage.name }, `${stage.name}: ${outcome.reason}`);
      return { key, entry, next: undefined, halted: outcome.reason, ran: ranThisRun };
    }
    ranThisRun.add(stage.name);
    // 4. The checkpoint, the operator's log line and the next stage's progress: one script.
    const update = updateOf(stage, outcome);
    const next = mergeUpdate(entry, update, new Date(), pipeline);
    const following = (pipeline as readonly StageDefinition[]).find(
      (s) =>
        !s.reconcile &&
        !isDone(next.stages[s.name as keyof LedgerEntry['stages']]) &&
        (deps.queueOf(s.lane, event.source) ?? run.queue) === run.queue,
    );
    const progress = following === undefined ? undefined : progressOf(pipeline, following, next);
    const summary = outcome.state === 'done' ? outcome.summary : `skipped: ${outcome.reason}`;
    const line = `${stage.name}: ${summary}`;
    if (outcome.local && calledBefore === calls && following !== undefined) {
      // Called nobody, and a checkpoint follows in this job: it goes out with that one.
      pending.push({ update, log: line });
    } else {
      const batch = pending.splice(0);
      const sentAt = performance.now();
      const written = await Promise.all([
        progressWritten,
        deps.ledger.checkpoint(
          event,
          [...batch.map((p) => p.update), update],
          {
            keys: deps.jobKeys(job.id as string),
            jobId: job.id as string,
            log: [...batch.map((p) => p.log), line],
            ...(job.opts.keepLogs === undefined ? {} : { keepLogs: job.opts.keepLogs }),
            ...(progress === undefined ? {} : { progress }),
            // A stage follows here and may create something: the lock is checked on the way.
            ...(token === undefined || following === undefined
              ? {}
              : { lock: { token, durationMs: deps.lockDurationMs } }),
          },
          pipeline,
        ),
      ]);
      const owned = written[1].owned;
      lock = owned === undefined ? undefined : { owned, atCall: calls, at: sentAt };
    }
    if (progress !== undefined) job.progress = progress;
    // The next stage's progress went out with this checkpoint.
    progressWritten ??= Promise.resolve();
    entry = next;
    deps.metrics.stageDuration.observe(
      { stage: stage.name, result: outcome.state },
      (performance.now() - started) / 1000,
    );
    const details = outcome.details ?? {};
    if (stage.reconcile && typeof details.change === 'string') deps.onChange?.(details.change);
    log.debug({ stage: stage.name, state: outcome.state, ...details }, `${stage.name}: ${summary}`);
    if (outcome.state === 'done' && outcome.warning) {
      log.warn({ stage: stage.name, ...details }, `${stage.name}: ${outcome.warning}`);
    }
  }
  await flush();
  return { key, entry, next: undefined, ran: ranThisRun };
}

/** The port with every method call counted (before it is made). */
function countingCalls<T extends object>(port: T, onCall: () => void): T {
  return new Proxy(port, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        onCall();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
