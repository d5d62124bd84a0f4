import type { Source } from '@ticket-rooms/core';
import { type BuildDeliveryOptions, buildDelivery, type Delivery } from '@ticket-rooms/simulators';
import { SECRETS } from './receiver-under-test';

export type { Delivery };

/** What each vendor signs or authenticates with, matching the test receivers' configuration. */
const CREDENTIALS: Record<Source, Pick<BuildDeliveryOptions, 'secret' | 'token' | 'freshdeskAuth'>> = {
  zendesk: { secret: SECRETS.zendesk },
  freshdesk: { token: SECRETS.freshdesk, freshdeskAuth: 'basic' },
  jira: { secret: SECRETS.jira },
  generic: { secret: SECRETS.generic },
};

/** A delivery exactly as the vendor sends it (the simulators' sender), signed with the test secrets. */
export function signedDelivery(
  source: Source,
  opts: Omit<BuildDeliveryOptions, 'secret' | 'token'> & { secret?: string; token?: string },
): Delivery {
  return buildDelivery(source, { ...CREDENTIALS[source], ...opts });
}
