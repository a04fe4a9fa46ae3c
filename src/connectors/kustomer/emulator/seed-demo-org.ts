/**
 * A ready-to-use org for tests and the demo: an API key with every role the emulator checks, the system queue plus
 * "Tier 2 Support", "VIP" and "Billing", two teams, two agents, three tags and two sub-statuses.
 */
import type { EmulatorControl } from './emulator-control.ts';
import { ALL_ROLES } from './required-roles.ts';

export type DemoOrg = ReturnType<typeof seedDemoOrg>;

export function seedDemoOrg(control: EmulatorControl, input: { name: string }) {
  const org = control.createOrg({ name: input.name });
  const ref = org.name;
  const alex = control.createUser({ org: ref, name: 'Alex Rivera', email: `alex@${ref}.example` });
  const sam = control.createUser({ org: ref, name: 'Sam Chen', email: `sam@${ref}.example` });
  const key = control.createApiKey({ org: ref, roles: [...ALL_ROLES], name: 'Bridgedesk' });
  const defaultQueue = control.queues(ref).find((q) => q.attributes.system === true)!;
  return {
    org,
    /** The bearer key with all roles. */
    apiKey: key.key,
    key,
    queues: {
      defaultQueue,
      tier2Support: control.createQueue({ org: ref, name: 'Tier 2 Support', priority: 2 }),
      vip: control.createQueue({ org: ref, name: 'VIP', priority: 5 }),
      billing: control.createQueue({ org: ref, name: 'Billing', priority: 1 }),
    },
    teams: {
      escalations: control.createTeam({ org: ref, name: 'Escalations', members: [alex.id, sam.id] }),
      billing: control.createTeam({ org: ref, name: 'Billing Team', members: [sam.id] }),
    },
    users: { alex, sam },
    tags: {
      vpn: control.createTag({ org: ref, name: 'VPN' }),
      network: control.createTag({ org: ref, name: 'network' }),
      internal: control.createTag({ org: ref, name: 'internal' }),
    },
    subStatuses: {
      investigating: control.createSubStatus({ org: ref, label: 'Investigating', parentStatus: 'open' }),
      waitingOnWarehouse: control.createSubStatus({ org: ref, label: 'Waiting on warehouse', parentStatus: 'snoozed' }),
    },
  };
}
