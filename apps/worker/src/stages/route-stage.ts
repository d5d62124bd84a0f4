import { z } from 'zod';
import { defineStage } from './context';

export const LedgerRoute = z.object({
  /** The routing rule the ticket got (`default` when none matched): its settings stay the ticket's. */
  rule: z.string(),
  /** The rule gives the ticket no room and no note. */
  skip: z.boolean(),
});
export type LedgerRoute = z.infer<typeof LedgerRoute>;

/**
 * The route: which routing rule the ticket gets, picked once and recorded. Later stages, retries
 * and later jobs of the ticket take the settings of the recorded rule, so a change to the rules
 * applies to new tickets only and a room is never rebuilt under its ticket.
 */
export const routeStage = defineStage({
  name: 'route',
  field: 'route',
  result: LedgerRoute,
  lane: 'docspace',
  local: true,
  async run(ctx) {
    const rule = ctx.routing.pick(ctx.event);
    const route: LedgerRoute = { rule: rule.name, skip: rule.settings.skip === true };
    return {
      state: 'done',
      result: route,
      summary: `rule ${route.rule}${route.skip ? ' (skip: no room and no note for this ticket)' : ''}`,
      details: { rule: route.rule, skip: route.skip },
    };
  },
});

/** Why every stage after the route is skipped for a ticket whose rule gives it no room. */
export function skipReason(route: LedgerRoute): string {
  return `rule ${route.rule} gives this ticket no room`;
}
