/**
 * reset: take a host back to before the cluster: every cluster service stopped and disabled, its units,
 * configuration, certificates and state removed. First the static pods (static-pods.ts): their manifests
 * removed and the kubelet seen to stop them, before the kubelet itself is stopped. Packages stay installed (the distro's etcd, haproxy,
 * keepalived, containerd), and so do the binaries in k8s_bin_dir (a re-run then pushes nothing).
 * Destructive on purpose: run it only with playbooks/reset.ts.
 */
import { absent, defineRole, service } from '../../lib/index.js';
import { parseConfigDir } from '../cluster/config-dir.js';
import { staticPodDir } from '../cluster/control-plane-mode.js';
import { staticPodsStopped } from './static-pods.js';
import { defaults, schema, type ResetVars } from './vars.js';

export default defineRole<ResetVars>({
  name: 'reset',
  defaults,
  schema,
  resources: (v, _host, cluster) => [
    // Before the services: a pod's containers outlive a stopped kubelet.
    staticPodsStopped({ fallbackDir: staticPodDir(parseConfigDir(cluster.vars['k8s_config_dir'])), waitS: v.reset_static_pods_wait }),
    ...v.reset_services.map((name) => service({ name, enabled: false, state: 'stopped' })),
    ...v.reset_units.map((name) => absent({ path: `/etc/systemd/system/${name}` })),
    // The cluster's config dir alone, not its whole topology: reset must work on an inventory the cluster model would refuse.
    ...[...new Set([parseConfigDir(cluster.vars['k8s_config_dir']), ...v.reset_paths])].map((path) => absent({ path })),
  ],
});
