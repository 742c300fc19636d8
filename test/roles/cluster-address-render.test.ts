/**
 * A host reached over SSH at one address and clustered on another (cluster_address, Kubespray's `ip`):
 * every role, on fresh Debian 12 and Rocky 9 fake hosts, renders exactly what it renders when the SSH
 * address is the cluster address (etcd URLs, --advertise-address, --node-ip, backends, keepalived
 * peers, /etc/hosts, flannel's --public-ip, firewalld's VRRP sources, certificate SANs), plus flanneld's
 * --iface at the cluster address (the interface holding it, not the default route's), and the SSH
 * addresses appear in none of it.
 */
import assert from 'node:assert/strict';
import type { Host } from '../../lib/core/model.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { Role } from '../../lib/dsl/role.js';
import { plan } from '../../lib/runner/pass.js';
import { FakeHost } from '../../lib/testing/index.js';
import apiserver from '../../roles/apiserver/index.js';
import etcd from '../../roles/etcd/index.js';
import firewalld from '../../roles/firewalld/index.js';
import flannel from '../../roles/flannel/index.js';
import haproxy from '../../roles/haproxy/index.js';
import keepalived from '../../roles/keepalived/index.js';
import kubelet from '../../roles/kubelet/index.js';
import nginxLb from '../../roles/nginx-lb/index.js';
import prereqs from '../../roles/prereqs/index.js';
import { pkiSpecFromCluster } from '../../roles/pki/index.js';
import prod from '../../inventory/prod.js';
import standins from '../fixtures/inventory/lab-standins.js';
import { inventory, varsFor } from './helpers.js';

const ROLES = [apiserver, etcd, firewalld, flannel, haproxy, keepalived, kubelet, nginxLb, prereqs] as unknown as Role<object>[];

/** The same inventory, each host reached at 198.51.100.N (TEST-NET-2: fake hosts only, nothing connects) and clustered at its old address. */
function split(spec: InventorySpec): InventorySpec {
  const hosts = Object.entries(spec.hosts).map(([name, e], i) => [
    name,
    { ...e, address: `198.51.100.${i + 1}`, vars: { ...e.vars, cluster_address: e.address } },
  ]);
  return { ...spec, hosts: Object.fromEntries(hosts) };
}

/** Every role's first-run changes on every host (or its refusal), as one text. */
async function rendered(spec: InventorySpec, family: 'debian' | 'rhel'): Promise<string> {
  const inv = inventory(spec);
  const out: Record<string, unknown> = { pki: pkiSpecFromCluster(inv.cluster) };
  for (const role of ROLES) for (const host of inv.hosts) out[`${role.name} on ${host.name}`] = await renderOne(role, host, family, inv.cluster);
  return JSON.stringify(out, null, 1);
}

async function renderOne(role: Role<object>, host: Host, family: 'debian' | 'rhel', cluster: ReturnType<typeof inventory>['cluster']): Promise<unknown> {
  try {
    const vars = varsFor(role, host);
    const fake = family === 'debian' ? FakeHost.debian(host.name) : FakeHost.rhel(host.name);
    const out = [];
    for (const r of role.resources(vars, host, cluster)) {
      try {
        out.push({ id: r.id, changes: (await plan(fake, [r])).planned.flatMap((p) => p.changes) });
      } catch (e) {
        out.push({ id: r.id, error: (e as Error).message.split('\n')[0] });
      }
    }
    return out;
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

describe('cluster_address apart from the SSH address: what the roles render', function () {
  this.timeout(120_000);
  for (const [name, spec] of [
    ['prod', prod as InventorySpec],
    ['lab-standins', standins],
  ] as const) {
    for (const family of ['debian', 'rhel'] as const) {
      it(`${name} on ${family}: the same files and flags as with one address, and no SSH address in them`, async () => {
        const one = await rendered(spec, family);
        const two = await rendered(split(spec), family);
        assert.doesNotMatch(two, /198\.51\.100\.\d/, 'an SSH address reached a rendered file or flag');
        // One flag more, by design: flanneld's --iface is the interface holding the host's own cluster address.
        const iface = /--iface=([\d.]+) \\\\\\n {2}/g;
        const flannelHosts = [...two.matchAll(iface)].map((m) => m[1]);
        assert.ok(
          !one.includes('--iface=') && flannelHosts.length === (one.match(/--public-ip=/g) ?? []).length,
          `flanneld gets --iface only with a cluster address of its own: ${flannelHosts.length}`,
        );
        assert.equal(two.replace(iface, ''), one);
        for (const want of ['--advertise-address=', '--node-ip=', 'ETCD_INITIAL_CLUSTER=']) assert.ok(one.includes(want), `the rendering covers ${want}`);
      });
    }
  }
});
