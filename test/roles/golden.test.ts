/**
 * Golden snapshot of every role (#13, "behaviour unchanged"): for each role, on a fresh Debian 12 and a
 * fresh Rocky 9 fake host, with the lab stand-ins inventory and the prod inventory, the merged vars (or the
 * refusal) and every resource's id, notify list and first-run changes (what it would write: content,
 * modes, packages, units) are rendered to JSON and compared with test/fixtures/golden/*.json.
 * A refactor of how vars are declared must leave these unchanged. After an intended change:
 *   TSPLAY_GOLDEN_UPDATE=1 npx mocha --config /tmp/coord/mocharc.json test/roles/golden.test.ts
 * and say why in the commit.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Host } from '../../lib/core/model.js';
import type { AnyResource } from '../../lib/core/resource.js';
import type { Role } from '../../lib/dsl/role.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { plan } from '../../lib/runner/pass.js';
import { FakeHost } from '../../lib/testing/index.js';
import { ConfigError } from '../../lib/core/errors.js';
import { topology } from '../../roles/cluster/index.js';
import apiserver from '../../roles/apiserver/index.js';
import coredns from '../../roles/coredns/index.js';
import etcdBackup from '../../roles/etcd-backup/index.js';
import etcdRestore from '../../roles/etcd-restore/index.js';
import etcd from '../../roles/etcd/index.js';
import firewalld from '../../roles/firewalld/index.js';
import flannel from '../../roles/flannel/index.js';
import flannelNetwork from '../../roles/flannel-network/index.js';
import haproxy from '../../roles/haproxy/index.js';
import keepalived from '../../roles/keepalived/index.js';
import kubeProxy from '../../roles/kube-proxy/index.js';
import kubelet from '../../roles/kubelet/index.js';
import prereqs from '../../roles/prereqs/index.js';
import reset from '../../roles/reset/index.js';
import runtime from '../../roles/runtime/index.js';
import smoke from '../../roles/smoke/index.js';
import webapp from '../../roles/webapp/index.js';
import prod from '../../inventory/prod.js';
import standins from '../fixtures/inventory/lab-standins.js';
import { inventory, varsFor } from './helpers.js';

const ROLES: readonly Role<object>[] = [
  apiserver,
  coredns,
  etcd,
  etcdBackup,
  etcdRestore,
  firewalld,
  flannel,
  flannelNetwork,
  haproxy,
  keepalived,
  kubeProxy,
  kubelet,
  prereqs,
  reset,
  runtime,
  smoke,
  webapp,
] as unknown as Role<object>[];
const INVENTORIES: Readonly<Record<string, InventorySpec>> = { prod: prod as InventorySpec, 'lab-standins': standins };
const DIR = new URL('../fixtures/golden/', import.meta.url).pathname;

/** Machine-specific strings (the stand-ins' pack dir under $TMPDIR) replaced by a fixed name. */
function stable(text: string): string {
  return text.replace(/file:\/\/[^"\s]*?\/tsplay-standins[^/"\s]*\//g, 'file://STANDINS/').replace(/\/[^"\s]*?\/tsplay-standins[^/"\s]*\//g, '/STANDINS/');
}

/** One host per distinct set of groups: every part of the cluster, once. */
function representatives(hosts: readonly Host[]): Host[] {
  const seen = new Set<string>();
  return hosts.filter((h) => {
    const key = [...h.groups].sort().join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const message = (e: unknown): string =>
  e instanceof Error ? `${e.constructor.name}: ${e.message}${'where' in e ? ` @ ${String((e as { where: unknown }).where)}` : ''}` : String(e);

async function render(role: Role<object>, host: Host, fake: FakeHost, cluster: ReturnType<typeof inventory>['cluster']): Promise<unknown> {
  let vars: object;
  try {
    vars = varsFor(role, host);
  } catch (e) {
    return { refused: message(e) };
  }
  let resources: readonly AnyResource[];
  try {
    resources = role.resources(vars, host, cluster);
  } catch (e) {
    return { vars, resourcesError: message(e) };
  }
  // One resource at a time: a query the fake cannot answer (a command only a live cluster answers) costs
  // that resource only.
  const planned = [];
  for (const r of resources) {
    try {
      planned.push(...(await plan(fake, [r])).planned);
    } catch (e) {
      planned.push({ resource: r, changes: [], error: `query: ${message(e).split('\n')[0]}` });
    }
  }
  const handlers = (() => {
    try {
      return Object.fromEntries(Object.entries(role.handlers?.(vars, host, cluster) ?? {}).map(([k, v]) => [k, v]));
    } catch (e) {
      return { error: message(e) };
    }
  })();
  return {
    vars,
    resources: planned.map((x) => ({
      id: x.resource.id,
      ...(x.resource.notify?.length ? { notify: x.resource.notify } : {}),
      ...(x.resource.secret ? { secret: true } : {}),
      ...(x.error ? { error: String(x.error) } : { changes: x.changes }),
    })),
    handlers,
    gates: (role.verify ?? []).map((g) => g.name),
  };
}

async function snapshot(invName: string, family: 'debian' | 'rhel', spec: InventorySpec = INVENTORIES[invName]!): Promise<Record<string, unknown>> {
  const inv = inventory(spec);
  const out: Record<string, unknown> = {};
  for (const role of ROLES) {
    const perHost: Record<string, unknown> = {};
    for (const host of representatives(inv.hosts)) {
      const fake = family === 'debian' ? FakeHost.debian(host.name) : FakeHost.rhel(host.name);
      perHost[host.name] = await render(role, host, fake, inv.cluster);
    }
    out[role.name] = perHost;
  }
  return out;
}

describe('golden snapshot of every role (vars and first-run changes)', function () {
  this.timeout(120_000);
  for (const invName of Object.keys(INVENTORIES)) {
    for (const family of ['debian', 'rhel'] as const) {
      it(`${invName} on ${family}: unchanged`, async () => {
        const got = stable(JSON.stringify(await snapshot(invName, family), null, 1));
        const file = join(DIR, `${invName}-${family}.json`);
        if (process.env['TSPLAY_GOLDEN_UPDATE'] === '1' || !existsSync(file)) writeFileSync(file, `${got}\n`);
        const want = readFileSync(file, 'utf8');
        assert.ok(want.length > 1000, 'the golden file is not empty');
        assert.equal(`${got}\n`, want);
      });
    }
  }
});

describe("the config dir is one var (k8s_config_dir): the custom-cluster guide's /srv/kubernetes", function () {
  this.timeout(120_000);
  for (const family of ['debian', 'rhel'] as const) {
    it(`${family}: every role writes and reads under it, none names /etc/kubernetes`, async () => {
      const spec = standins;
      const srv = { ...spec, vars: { ...spec.vars, k8s_config_dir: '/srv/kubernetes' } };
      const out = await snapshot('lab-standins', family, srv);
      const text = JSON.stringify(out);
      assert.doesNotMatch(text, /\/etc\/kubernetes/);
      // Each role that touches the dir does so under the new one (its files, flags and configs).
      for (const role of ['apiserver', 'etcd', 'kubelet', 'kube-proxy', 'flannel', 'coredns', 'reset']) {
        assert.match(JSON.stringify(out[role]), /\/srv\/kubernetes\/(pki|kubelet\.conf|kube-proxy\.conf|admin\.conf|addons)|:\/srv\/kubernetes"/, role);
      }
      const kubelet = JSON.stringify(out['kubelet']);
      assert.match(kubelet, /clientCAFile: \/srv\/kubernetes\/pki\/ca\.crt/);
      assert.match(kubelet, /--kubeconfig=\/srv\/kubernetes\/kubelet\.conf/);
    });
  }

  it('refused for one role only, or as a system directory reset would remove', () => {
    const spec = prod as InventorySpec;
    const host = inventory(spec).hosts.find((h) => h.groups.includes('workers'))!;
    const inv = inventory(spec);
    assert.throws(
      () => kubelet.resources({ ...varsFor(kubelet, host), k8s_config_dir: '/srv/kubernetes' } as never, host, inv.cluster),
      /k8s_config_dir "\/srv\/kubernetes" for one role, but the cluster's is "\/etc\/kubernetes"/,
    );
    assert.throws(
      () => topology(inventory({ ...spec, vars: { ...spec.vars, k8s_config_dir: '/etc' } }).cluster),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message.includes('vars.k8s_config_dir') &&
        /not a system directory \(reset removes it whole\), got "\/etc"/.test(e.message),
    );
  });
});
