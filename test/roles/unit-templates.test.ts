/**
 * Every role's unit file renders its vars through the shared systemd renderers (lib/resources/systemd-syntax.ts):
 * a value with a line break is refused naming its field, `%` lands as `%%`, and an argument with spaces,
 * quotes or `$` is one quoted word. The templates are called with vars their schemas would refuse, so
 * the templates are safe on their own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import apiserver from '../../roles/apiserver/index.js';
import { unitFile as controlPlaneUnit } from '../../roles/apiserver/units.js';
import etcd from '../../roles/etcd/index.js';
import { etcdUnit } from '../../roles/etcd/unit.js';
import flannel from '../../roles/flannel/index.js';
import { flanneldUnit } from '../../roles/flannel/config.js';
import kubeProxy from '../../roles/kube-proxy/index.js';
import { kubeProxyUnit } from '../../roles/kube-proxy/config.js';
import kubelet from '../../roles/kubelet/index.js';
import { kubeletUnit } from '../../roles/kubelet/unit.js';
import runtime from '../../roles/runtime/index.js';
import { serviceUnit } from '../../roles/runtime/cri-dockerd.js';
import webapp from '../../roles/webapp/index.js';
import { unitFile as webappUnit } from '../../roles/webapp/templates.js';
import { hostOf, inventory, varsFor } from './helpers.js';

/** A role's vars and host without building its resources (the templates are what is under test). */
function forHost<V extends object>(role: Parameters<typeof varsFor<V>>[0], name: string, opts: { overrides?: Record<string, unknown> } = {}) {
  const inv = inventory();
  const host = hostOf(inv, name);
  return { vars: varsFor(role, host, opts.overrides ?? {}), host, cluster: inv.cluster };
}

const INJECTION = 'x\r[Service]\rExecStartPre=+/bin/touch /tmp/pwned\r';

/** The ExecStart= line of a unit, continuation lines joined the way systemd joins them. */
const execStart = (unit: string) => /^ExecStart=(.*)$/m.exec(unit.replace(/ \\\n {2}/g, ' '))![1]!;

describe('unit templates of every role', () => {
  it("webapp: the outside fault run's title is refused naming the var; % lands as %%", () => {
    const { vars } = forHost(webapp, 'worker-1');
    assert.throws(() => webappUnit({ ...vars, title: INJECTION }), /webapp unit Description \(var title\): control character CR \(carriage return\)/);
    assert.throws(() => webappUnit({ ...vars, title: 'a\nb' }), /var title\): control character LF/);
    assert.match(webappUnit({ ...vars, title: '100% %n' }), /^Description=tsplay sample web app \(100%% %%n\)$/m);
    assert.match(execStart(webappUnit({ ...vars, root: '/srv/my app' })), /--directory "\/srv\/my app\/www"$/);
  });

  it('etcd: env file and binary paths are unit values and an absolute command', () => {
    const { vars } = forHost(etcd, 'master-1');
    assert.throws(
      () => etcdUnit({ ...vars, etcd_config_dir: `/etc/etcd${INJECTION}` }),
      /etcd unit EnvironmentFile \(var etcd_config_dir\): control character CR/,
    );
    assert.match(etcdUnit({ ...vars, etcd_config_dir: '/etc/%n' }), /^EnvironmentFile=\/etc\/%%n\/etcd.env$/m);
  });

  it('kubelet: node labels and paths are single quoted words; a line break is refused', () => {
    const { vars, host } = forHost(kubelet, 'worker-1');
    const unit = kubeletUnit({ ...vars, kubelet_node_labels: { role: 'a b $X 50%' } }, host);
    assert.match(execStart(unit), / "--node-labels=role=a b \$\$X 50%%" /);
    assert.throws(() => kubeletUnit({ ...vars, kubelet_node_labels: { role: INJECTION } }, host), /kubelet unit ExecStart: control character CR/);
    assert.throws(
      () => kubeletUnit({ ...vars, kubelet_bin_dir: '+/usr/bin' }, host),
      /kubelet unit ExecStart: the command must be an absolute path, got "\+\/usr\/bin\/kubelet"/,
    );
  });

  it('kube-proxy: WorkingDirectory and ExecStart', () => {
    const { vars } = forHost(kubeProxy, 'worker-1');
    assert.throws(() => kubeProxyUnit({ ...vars, kube_proxy_dir: `/var/lib/kp${INJECTION}` }), /kube-proxy unit WorkingDirectory \(var kube_proxy_dir\)/);
    assert.match(
      kubeProxyUnit({ ...vars, kube_proxy_dir: '/var/lib/k p' }),
      /^ExecStart=\/usr\/local\/bin\/kube-proxy "--config=\/var\/lib\/k p\/config.yaml" --v=2$/m,
    );
  });

  it('flannel: the node name is one Environment= assignment; the interface one word', () => {
    const { vars, host } = forHost(flannel, 'worker-1');
    assert.match(flanneldUnit(vars, { ...host, name: 'node 1%' }), /^Environment="NODE_NAME=node 1%%"$/m);
    assert.throws(() => flanneldUnit({ ...vars, flannel_iface: `eth0${INJECTION}` }, host), /flannel unit ExecStart: control character CR/);
  });

  it('apiserver: extra args with quotes, $ and % are one word each', () => {
    const { vars, host, cluster } = forHost(apiserver, 'master-1');
    const unit = controlPlaneUnit('kube-apiserver', vars.k8s_bin_dir, { 'audit-policy': 'say "hi" $HOME 10%' });
    assert.match(execStart(unit), /^\/usr\/local\/bin\/kube-apiserver "--audit-policy=say \\"hi\\" \$\$HOME 10%%"$/);
    assert.throws(() => controlPlaneUnit('kube-apiserver', vars.k8s_bin_dir, { x: INJECTION }), /flag --x: control character CR/);
    assert.ok(host && cluster);
  });

  it('runtime: cri-dockerd flags from vars', () => {
    const { vars } = forHost(runtime, 'worker-1', { overrides: { container_runtime: 'docker' } });
    const render = (v: typeof vars) => (serviceUnit as (v: typeof vars, family: 'debian') => string)(v, 'debian');
    assert.match(execStart(render({ ...vars, runtime_sandbox_image: 'reg/pause:3.9 %i' })), /"--pod-infra-container-image=reg\/pause:3.9 %%i"$/);
    assert.throws(() => render({ ...vars, runtime_sandbox_image: INJECTION }), /cri-docker unit ExecStart: control character CR/);
  });
});
