/**
 * reset: take a host back to before the cluster: every cluster service stopped and disabled, its units,
 * configuration, certificates and state removed. Packages stay installed (the distro's etcd, haproxy,
 * keepalived, containerd), and so do the binaries in k8s_bin_dir (a re-run then pushes nothing).
 * Destructive on purpose: run it only with playbooks/reset.ts.
 */
import { absent, defineRole, service } from '../../lib/index.js';
import { parseConfigDir } from '../cluster/config-dir.js';
import { defaults, schema, type ResetVars } from './vars.js';

export default defineRole<ResetVars>({
  name: 'reset',
  defaults,
  schema,
  resources: (v, _host, cluster) => [
    ...v.reset_services.map((name) => service({ name, enabled: false, state: 'stopped' })),
    ...v.reset_units.map((name) => absent({ path: `/etc/systemd/system/${name}` })),
    // The cluster's config dir alone, not its whole topology: reset must work on an inventory the cluster model would refuse.
    ...[...new Set([parseConfigDir(cluster.vars['k8s_config_dir']), ...v.reset_paths])].map((path) => absent({ path })),
  ],
});
