/** The API's VIP from the shared topology, which this role cannot do without. */
import { ConfigError, type Cluster } from '../../lib/index.js';
import { topology } from '../cluster/index.js';

export function vipOf(cluster: Cluster): string {
  const vip = topology(cluster).vip;
  if (!vip) throw new ConfigError("the keepalived role needs the API's virtual IP: set vip (globally or on the lb group)", 'vars.vip');
  return vip;
}
