import type { Source } from '@ticket-rooms/core';
import type { DeliveryOutcome } from '../observability/metrics';

/** What the one log line of a delivery says about it, gathered while the request is handled. */
export interface DeliveryRecord {
  source: Source;
  outcome?: DeliveryOutcome;
  tenant?: string;
  ticketId?: string;
  jobId?: string;
  deliveryId?: string;
  /** The delivery re-created a job whose ticket had been seen but whose job was missing. */
  repaired?: boolean;
  reason?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a delivery route and names the helpdesk its payloads come from. */
    source?: Source;
  }
  interface FastifyRequest {
    /** Set on delivery routes; the response hook turns it into the delivery's log line. */
    delivery: DeliveryRecord | null;
    /** The error the response carries, for the log line and metrics (never sent to the client). */
    failure: { code: string; err: unknown } | null;
  }
}
