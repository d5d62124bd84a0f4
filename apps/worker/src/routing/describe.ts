import type { TicketEvent } from '@ticket-rooms/core';
import { accessRoleName, roomTypeName } from '@ticket-rooms/docspace-client';
import { describeTarget } from '../stages/share-plan';
import { renderRoomTitle } from '../stages/title';
import type { Routing } from './routing';

/** What a ticket would get, in words: for `pnpm routing test` and anyone asking "why this room?". */
export interface RouteDescription {
  rule: string;
  skip: boolean;
  room?: {
    type: string;
    title: string;
    folders: string[];
    share: string[];
    options: Record<string, unknown>;
    archiveOnSolve: boolean | undefined;
  };
}

/** The rule a ticket would hit and the room it would get, touching nothing. */
export function describeRoute(routing: Routing, event: TicketEvent): RouteDescription {
  const rule = routing.pick(event);
  const { settings } = rule;
  if (settings.skip) return { rule: rule.name, skip: true };
  return {
    rule: rule.name,
    skip: false,
    room: {
      type: roomTypeName(settings.type),
      title: renderRoomTitle(settings.titleTemplate, event),
      folders: settings.folders.map((f) => f.path),
      share: settings.share.map((s) => `${describeTarget(s)} as ${accessRoleName(s.access)}`),
      options: { ...settings.options },
      archiveOnSolve: settings.archiveOnSolve,
    },
  };
}
