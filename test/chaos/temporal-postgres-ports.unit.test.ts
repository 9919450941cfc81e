import { CHAOS_FRONTEND_PORTS } from '../../src/chaos/temporal-postgres-backend';
import { temporalPostgresSettings } from '../../scripts/temporal-postgres/settings';

// Temporal keeps each member's membership port in cluster_membership.rpc_port, a smallint: a server
// whose membership port is above 32767 exits at start ("value … is out of range for type smallint").
const SMALLINT_MAX = 32_767;
const portsFor = (frontend: number) =>
  Object.entries(
    temporalPostgresSettings({ TEMPORAL_ADDRESS: `127.0.0.1:${frontend}` }, '/dynamicconfig.yaml').ports,
  );

describe('the frontend ports the chaos suite picks for the postgres backend', () => {
  it.each([CHAOS_FRONTEND_PORTS.min, CHAOS_FRONTEND_PORTS.max])(
    'when the frontend listens on %i, then every membership port fits Temporal’s smallint column',
    (frontend) => {
      const membership = portsFor(frontend).filter(([name]) => name.endsWith('_MEMBERSHIP_PORT'));
      expect(membership).toHaveLength(4);
      expect(membership.filter(([, port]) => port > SMALLINT_MAX)).toEqual([]);
    },
  );

  it('when the frontend listens at either end of the range, then no port the server opens is privileged', () => {
    for (const frontend of [CHAOS_FRONTEND_PORTS.min, CHAOS_FRONTEND_PORTS.max]) {
      expect(portsFor(frontend).filter(([, port]) => port < 1024)).toEqual([]);
    }
  });
});
