/**
 * Which program balances the API on the lb hosts, declared once: `lb_implementation`, haproxy (default) or
 * nginx (its stream module). The haproxy and nginx-lb roles each build only when chosen (the chosen one
 * stops and disables the other where tsplay had set it up), and keepalived's check script follows it.
 * Cluster-wide (global vars, or `-e`): two lb hosts on different programs would check different things,
 * so a group, host or role-scoped value is refused before any host is touched.
 */
import { ConfigError, oneOf, type Host } from '../../lib/index.js';

export const LB_IMPLEMENTATIONS = ['haproxy', 'nginx'] as const;
export type LbImplementation = (typeof LB_IMPLEMENTATIONS)[number];

export interface LbImplementationVars {
  readonly lb_implementation: LbImplementation;
}
export const lbImplementationDefaults: LbImplementationVars = { lb_implementation: 'haproxy' };

/** The roles that read it: a value scoped under one of them would differ from the others'. */
const READERS = ['haproxy', 'nginx-lb', 'keepalived'] as const;

const choice = oneOf(LB_IMPLEMENTATIONS);

export const lbImplementationShape = {
  lb_implementation: choice
    .default(lbImplementationDefaults.lb_implementation)
    .describe("the API's load balancer on the lb hosts: haproxy or nginx (stream proxy); cluster-wide: global vars or -e"),
};

/**
 * The implementation a role on `host` runs: its merged value (the global one, or `-e`, which wins), after
 * refusing a value scoped under one of the LB roles (`haproxy: { lb_implementation: ... }`), which the
 * other roles would not see. Group and host values are refused by the topology.
 */
export function chosenLb(v: LbImplementationVars, host: Host): LbImplementation {
  for (const role of READERS) {
    const scoped = host.vars[role];
    if (scoped && typeof scoped === 'object' && 'lb_implementation' in scoped)
      throw new ConfigError(
        `lb_implementation ${JSON.stringify((scoped as Record<string, unknown>)['lb_implementation'])} for role ${role} only: the load balancer and keepalived's check must agree; set lb_implementation once, in the inventory's global vars (or -e)`,
        `hosts.${host.name}.vars.${role}.lb_implementation`,
      );
  }
  return v.lb_implementation;
}
