/**
 * End to end on lab-32..34 (issue #17): the control plane as systemd units, then as static pods, then back,
 * with site.ts through the real CLI (test/fixtures/inventory/lab-static-pods*.ts: each host an etcd member,
 * a control-plane host and a node; no load balancer). The Kubernetes binaries are the stand-ins; in
 * static-pods mode the three control-plane stand-ins come as OCI image archives imported into each host's
 * real containerd, and the kubelet stand-in runs each valid static pod's command from its image
 * (test/fixtures/standins/static_pods.py, upstream's file source as far as it goes). Proves: a control-plane
 * host without a kubelet refused before any host is touched; converge with units; keys written to etcd;
 * the switch moves each component one host at a time (the apiservers' /healthz, asked with a client
 * certificate every 200 ms, never down on two hosts at once) while etcd keeps quorum (`etcdctl endpoint
 * health` every 300 ms never fails, the keys are all there after); the manifests on the hosts are valid v1
 * Pods by the upstream schema; a second run and --check change nothing; --check with the other mode says
 * what would move; a bad manifest dropped beside them is refused by the kubelet stand-in and the others keep
 * running; the switch back; then, on static pods again, the rolling upgrade to 1.35.0 (a second set of stand-in
 * images packed the same way, lab-static-pods-next.ts): --check lists exactly the three manifests (their
 * image lines) and images per host and no control-plane binary or unit, the pods move one host at a time
 * (at most one apiserver down, etcd healthy) and run the new images; last, reset: --check says the
 * manifests go first and the kubelet stops the pods before it is stopped, and after it no pod unit,
 * process or port is left, etcd is stopped and its data gone. Each operation's time is printed. Touches
 * lab-32, lab-33 and lab-34 only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { Pod } from 'kubernetes-models/v1/Pod';
import { parse } from 'yaml';
import { onHost, requireLab } from '../integration/lab-hosts.js';
import { failures, on, sum, took, tsplayJson, type Outcome } from './cli.js';

const PODS = 'test/fixtures/inventory/lab-static-pods.ts';
const UNITS = 'test/fixtures/inventory/lab-static-pods-systemd.ts';
const REFUSED = 'test/fixtures/inventory/lab-static-pods-refused.ts';
const HOSTS = ['lab-32', 'lab-33', 'lab-34'] as const;
const ADDRESS = { 'lab-32': '10.231.0.42', 'lab-33': '10.231.0.43', 'lab-34': '10.231.0.44' } as const;
const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
const PKI = '.tsplay/pki/static-pods';
const ETCDCTL = 'set -a; . /etc/etcd/etcdctl.env; set +a; etcdctl';
const PREFIX = '/tsplay-e2e/static-pods/';
const KEYS = 40;
const STATUS = '/var/lib/kubelet/tsplay-standin/static-pods.json';
const NEXT = 'test/fixtures/inventory/lab-static-pods-next.ts';
const MANIFESTS = '/etc/kubernetes/manifests';

const upgrade = async (what: string, inv: string, ...args: string[]) => {
  const o = await tsplayJson(['run', 'playbooks/upgrade.ts', '-i', inv, ...args]);
  took(what, o);
  return o;
};
const reset = async (what: string, ...args: string[]) => {
  const o = await tsplayJson(['run', 'playbooks/reset.ts', '-i', PODS, ...args]);
  took(what, o);
  return o;
};
type ResourceEvent = {
  kind: string;
  host: string;
  resource: string;
  status: string;
  changes: { field: string; before?: string; after?: string; diff?: { before: string; after: string } }[];
};
const resourceEvents = (o: Outcome, host: string, status: string) =>
  (o.events as unknown as ResourceEvent[]).filter((e) => e.kind === 'resource' && e.host === host && e.status === status);
/** What a static pod's process says it is: the binary the kubelet stand-in runs for it (its unit's ExecStart). */
async function podVersion(host: string, c: string): Promise<string> {
  const status = JSON.parse(await on(host, `cat ${STATUS}`)) as Record<string, { state: string; unit: string }>;
  const s = status[`${MANIFESTS}/${c}.yaml`];
  assert.equal(s?.state, 'running', `${host} ${c}: ${JSON.stringify(status)}`);
  return on(host, `p=$(systemctl show -p ExecStart --value ${s!.unit} | sed -n 's/.*path=\\([^ ;]*\\).*/\\1/p'); "$p" --version`);
}

const site = async (what: string, inv: string, ...args: string[]) => {
  const o = await tsplayJson(['run', 'playbooks/site.ts', '-i', inv, ...args]);
  took(what, o);
  return o;
};
const ok = (o: Outcome) => assert.equal(o.code, 0, failures(o));
const touched = (o: Outcome) => o.events.some((e) => e.kind === 'resource' || e.kind === 'play-start');
const changed = (o: Outcome) =>
  o.events
    .filter((e) => e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change'))
    .map((e) => `${e.host} ${e.resource}`)
    .sort();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET /healthz of one apiserver with the cluster CA and the apiserver-kubelet-client certificate (in system:masters). */
function healthz(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: address,
        port: 6443,
        path: '/healthz',
        ca: readFileSync(`${PKI}/ca.crt`),
        cert: readFileSync(`${PKI}/apiserver-kubelet-client.crt`),
        key: readFileSync(`${PKI}/apiserver-kubelet-client.key`),
        timeout: 2000,
        agent: false,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve(res.statusCode === 200 && body === 'ok'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** During a run: every 200 ms each apiserver's /healthz, every 300 ms etcd's health through all members. */
function watch() {
  const samples: { at: number; down: string[] }[] = [];
  const etcd: { at: number; ok: boolean; out: string }[] = [];
  let stop = false;
  const api = (async () => {
    while (!stop) {
      const at = Date.now();
      const up = await Promise.all(HOSTS.map((h) => healthz(ADDRESS[h])));
      samples.push({ at, down: HOSTS.filter((_, i) => !up[i]) });
      await sleep(200);
    }
  })();
  const health = (async () => {
    while (!stop) {
      const at = Date.now();
      const r = await onHost('lab-33', `${ETCDCTL} endpoint health`);
      etcd.push({ at, ok: r.code === 0, out: r.out.trim() });
      await sleep(300);
    }
  })();
  return {
    stop: async () => {
      stop = true;
      await Promise.all([api, health]);
      return { samples, etcd };
    },
  };
}

/** A run (site.ts, upgrade.ts) watched: at most one apiserver down at once, etcd healthy throughout. */
async function watched(run: () => Promise<Outcome>): Promise<Outcome> {
  const w = watch();
  const o = await run();
  const { samples, etcd } = await w.stop();
  ok(o);
  const worst = Math.max(...samples.map((s) => s.down.length));
  const downFor = Object.fromEntries(HOSTS.map((h) => [h, samples.filter((s) => s.down.includes(h)).length]));
  console.log(
    `      during it: ${samples.length} /healthz rounds, at most ${worst} apiserver(s) down at once (rounds down per host ${JSON.stringify(downFor)}); etcd endpoint health ${etcd.filter((e) => e.ok).length}/${etcd.length} healthy`,
  );
  assert.ok(worst <= 1, `two apiservers were down at once: ${JSON.stringify(samples.filter((s) => s.down.length > 1).slice(0, 5))}`);
  assert.ok(etcd.length > 5, 'etcd was polled during the switch');
  assert.deepEqual(
    etcd.filter((e) => !e.ok),
    [],
    'etcd kept quorum',
  );
  return o;
}

const switchWatched = (what: string, inv: string): Promise<Outcome> => watched(() => site(what, inv));

// etcd 3.4's etcdctl has no --count-only.
const keysThere = async () => Number(await on('lab-32', `${ETCDCTL} get --prefix ${PREFIX} --keys-only | grep -c .`));

describe('e2e: a static-pod control plane on lab-32..34 (etcd, control plane and kubelet on each)', function () {
  this.timeout(1_800_000);

  before(async function () {
    await requireLab(this, 34);
    // As on a fresh lab: no control-plane image left in containerd or on disk by an earlier run of this suite (its
    // reset leaves containerd's images), else --check would rightly have no import to list.
    const images = 'registry.k8s.io/kube-(apiserver|controller-manager|scheduler)';
    await Promise.all(
      HOSTS.map((h) =>
        onHost(
          h,
          `ctr -n k8s.io images ls -q 2>/dev/null | grep -E '^${images}' | xargs -r ctr -n k8s.io images rm >/dev/null; rm -f /var/lib/tsplay/images/kube-*.tar; true`,
        ),
      ),
    );
  });

  it('refuses a control-plane host without a kubelet before any host is touched, saying why', async () => {
    const o = await tsplayJson(['run', 'playbooks/site.ts', '-i', REFUSED]);
    assert.equal(o.code, 1, o.stderr);
    assert.match(
      o.stderr,
      /control_plane_mode "static-pods" runs the control plane as static pods that the kubelet starts, but lab-34 is not in the nodes group "k8s"/,
    );
    assert.ok(!touched(o), 'no play started');
  });

  it('converges with units (the mode named systemd); a second run changes nothing; keys go into etcd', async () => {
    ok(await site('site.ts (systemd units)', UNITS));
    const again = await site('site.ts again', UNITS);
    ok(again);
    assert.deepEqual(changed(again), []);
    for (const h of HOSTS) assert.equal(await on(h, 'systemctl is-active kube-apiserver kube-controller-manager kube-scheduler | sort -u'), 'active', h);
    await on(
      'lab-32',
      `${ETCDCTL} del --prefix ${PREFIX} >/dev/null; i=0; while [ $i -lt ${KEYS} ]; do ${ETCDCTL} put ${PREFIX}k$i v$i >/dev/null || exit 1; i=$((i+1)); done`,
    );
    assert.equal(await keysThere(), KEYS);
  });

  it('switches to static pods one host at a time, etcd healthy throughout; the pods run from the imported images', async () => {
    const o = await switchWatched('site.ts (to static pods)', PODS);
    // Each host's moves are handlers, in turn.
    const moves = o.events.filter((e) => e.kind === 'handler' && String(e.handler).startsWith('move ')).map((e) => `${e.host} ${e.handler}`);
    assert.equal(moves.length, HOSTS.length * COMPONENTS.length, moves.join('\n'));
    assert.equal(await keysThere(), KEYS, 'every key is still there');
    for (const h of HOSTS) {
      assert.equal(await on(h, 'systemctl is-enabled kube-apiserver kube-controller-manager kube-scheduler | sort -u'), 'disabled', h);
      const status = JSON.parse(await on(h, `cat ${STATUS}`)) as Record<string, { state: string; unit: string }>;
      for (const c of COMPONENTS) {
        const s = status[`/etc/kubernetes/manifests/${c}.yaml`];
        assert.equal(s?.state, 'running', `${h} ${c}: ${JSON.stringify(status)}`);
        assert.equal(await on(h, `systemctl is-active ${s!.unit}`), 'active');
        // The image the pod names is the one imported, at its digest.
        const pod = parse(await on(h, `cat /etc/kubernetes/manifests/${c}.yaml`));
        new Pod(pod).validate();
        const [ref, digest] = String(pod.spec.containers[0].image).split('@');
        assert.match(await on(h, `ctr -n k8s.io images ls name==${ref}`), new RegExp(digest!));
      }
    }
  });

  it('a second run and --check change nothing; --check with units named says what would move back', async () => {
    const again = await site('site.ts again (static pods)', PODS);
    ok(again);
    assert.deepEqual(changed(again), []);
    const check = await site('site.ts --check (static pods)', PODS, '--check');
    ok(check);
    assert.equal(sum(check, 'changed'), 0);
    const back = await site('site.ts --check (units)', UNITS, '--check');
    ok(back);
    assert.deepEqual(
      changed(back).filter((x) => x.includes('apiserver') || x.includes('service:kube-')),
      HOSTS.flatMap((h) => COMPONENTS.map((c) => `${h} service:${c}.service`)).sort(),
    );
    for (const h of HOSTS) assert.equal(await on(h, 'systemctl is-enabled kube-apiserver || :'), 'disabled', `${h}: --check changed nothing`);
  });

  it('a bad manifest beside them is refused by the kubelet stand-in, the control plane keeps running', async () => {
    await on(
      'lab-33',
      "printf 'apiVersion: v1\\nkind: Pod\\nmetadata:\\n  name: broken\\nspec:\\n  hostNetwork: true\\n  containers:\\n  - name: c\\n' > /etc/kubernetes/manifests/broken.yaml",
    );
    let status: Record<string, { state: string; reason?: string }> = {};
    for (let i = 0; i < 50 && !status['/etc/kubernetes/manifests/broken.yaml']; i++) {
      await sleep(200);
      status = JSON.parse(await on('lab-33', `cat ${STATUS}`));
    }
    await on('lab-33', 'rm -f /etc/kubernetes/manifests/broken.yaml');
    assert.equal(status['/etc/kubernetes/manifests/broken.yaml']?.state, 'refused');
    assert.match(String(status['/etc/kubernetes/manifests/broken.yaml']?.reason), /spec\.containers\[0\]\.image: Required value/);
    assert.match(
      await on('lab-33', 'journalctl -u kubelet --no-pager -n 50'),
      /"Could not process manifest file" err="invalid pod: \[spec\.containers\[0\]\.image: Required value\]" path="\/etc\/kubernetes\/manifests\/broken\.yaml"/,
    );
    for (const c of COMPONENTS) assert.equal(status[`/etc/kubernetes/manifests/${c}.yaml`]?.state, 'running', c);
    assert.ok(await healthz(ADDRESS['lab-33']));
  });

  it('switches back to units one host at a time, etcd healthy throughout; then nothing changes', async () => {
    await switchWatched('site.ts (back to units)', UNITS);
    assert.equal(await keysThere(), KEYS);
    for (const h of HOSTS) {
      assert.equal(await on(h, 'systemctl is-active kube-apiserver kube-controller-manager kube-scheduler | sort -u'), 'active', h);
      assert.equal(await on(h, 'ls /etc/kubernetes/manifests | wc -l'), '0', h);
      assert.equal(await on(h, "systemctl list-units --plain --no-legend 'tsplay-pod-*' | wc -l"), '0', `${h}: the kubelet stopped the pods`);
    }
    const again = await site('site.ts again (units)', UNITS);
    ok(again);
    assert.deepEqual(changed(again), []);
  });

  it('upgrades the static pods to 1.35.0 one host at a time behind the gates (--check: exactly the manifests and images); etcd healthy', async () => {
    await switchWatched('site.ts (to static pods, 1.34.7)', PODS);
    for (const h of HOSTS) assert.match(await podVersion(h, 'kube-scheduler'), /Kubernetes v1\.34\.7-tsplay-standin/, h);
    const check = await upgrade('upgrade.ts --check (1.35.0)', NEXT, '--check');
    ok(check);
    for (const h of HOSTS) {
      const would = resourceEvents(check, h, 'would-change');
      const ids = would.map((e) => e.resource);
      console.log(`      ${h} would change: ${ids.join(', ')}`);
      // Nothing of the three as binaries or units: they run as static pods.
      assert.deepEqual(
        ids.filter(
          (x) =>
            /kube-(apiserver|controller-manager|scheduler)/.test(x) &&
            !x.startsWith('static-pod:') &&
            !x.includes('/var/lib/tsplay/images/') &&
            !x.startsWith('command:import '),
        ),
        [],
        h,
      );
      // Exactly the three manifests and their three images: each manifest's image line alone changes.
      assert.deepEqual(
        ids.filter((x) => x.startsWith('static-pod:') || x.includes('/var/lib/tsplay/images/') || x.startsWith('command:import ')).sort(),
        COMPONENTS.flatMap((c) => [
          `artifact:/var/lib/tsplay/images/${c}.tar`,
          ids.find((x) => x.startsWith(`command:import registry.k8s.io/${c}:v1.35.0@sha256:`)) ?? `command:import registry.k8s.io/${c}:v1.35.0@...`,
          `static-pod:${c}`,
        ]).sort(),
        h,
      );
      for (const c of COMPONENTS) {
        const d = would.find((e) => e.resource === `static-pod:${c}`)!.changes.find((x) => x.field === 'content')!.diff!;
        const before = d.before.split('\n');
        assert.deepEqual(
          d.after
            .split('\n')
            .filter((l, i) => l !== before[i])
            .map((l) => l.trim().replace(/@sha256:[0-9a-f]{64}$/, '@sha256:...')),
          [`image: registry.k8s.io/${c}:v1.35.0@sha256:...`],
          `${h} ${c}`,
        );
      }
    }
    for (const h of HOSTS) assert.match(await podVersion(h, 'kube-apiserver'), /v1\.34\.7-tsplay-standin/, `${h}: --check changed nothing`);
    const up = await watched(() => upgrade('upgrade.ts (1.35.0)', NEXT));
    // One host at a time: each host's pods replaced (the old one gone first) before the next host's.
    const order = up.events.filter((e) => e.kind === 'handler' && String(e.handler).startsWith('move ')).map((e) => String(e.host));
    assert.deepEqual([...new Set(order)], [...HOSTS], order.join(' '));
    assert.deepEqual(
      order,
      HOSTS.flatMap((h) => COMPONENTS.map(() => h)),
      'contiguous per host',
    );
    for (const h of HOSTS) {
      for (const c of COMPONENTS) {
        assert.match(await on(h, `grep 'image:' ${MANIFESTS}/${c}.yaml`), new RegExp(`registry\\.k8s\\.io/${c}:v1\\.35\\.0@sha256:`), `${h} ${c}`);
        assert.match(await podVersion(h, c), /Kubernetes v1\.35\.0-tsplay-standin/, `${h} ${c}`);
      }
      assert.match(
        await on(h, `/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf --server=https://${ADDRESS[h]}:6443 get --raw=/version`),
        /"gitVersion": ?"v1\.35\.0-tsplay-standin"/,
      );
      // The units' binaries left from the systemd phase were not replaced: static pods need none.
      assert.deepEqual(
        (await on(h, `for b in ${COMPONENTS.join(' ')}; do /usr/local/bin/$b --version; done`)).split('\n').map((l) => /v(\d+\.\d+\.\d+)/.exec(l)?.[1]),
        ['1.34.7', '1.34.7', '1.34.7'],
        h,
      );
    }
    assert.equal(await keysThere(), KEYS);
    const again = await upgrade('upgrade.ts again', NEXT);
    ok(again);
    assert.deepEqual(changed(again), []);
  });

  it('reset: --check says the manifests go first and the kubelet stops the pods before it stops; then no pod is left, etcd stopped, its data gone', async () => {
    const check = await reset('reset.ts --check', '--check');
    ok(check);
    for (const h of HOSTS) {
      const would = resourceEvents(check, h, 'would-change');
      assert.equal(would[0]?.resource, `static-pods:${MANIFESTS}`, `${h}: first, ${would.map((e) => e.resource).join(' ')}`);
      assert.ok(would.findIndex((e) => e.resource === 'service:kubelet.service') > 0, `${h}: the kubelet after: ${would.map((e) => e.resource).join(' ')}`);
      const [manifests, pods] = would[0]!.changes;
      assert.deepEqual(manifests, {
        field: 'manifests',
        before: `kube-apiserver.yaml, kube-controller-manager.yaml, kube-scheduler.yaml in ${MANIFESTS}`,
        after: 'removed first',
      });
      assert.equal(pods?.field, 'static pods');
      assert.match(String(pods?.before), /^pod units tsplay-pod-kube-apiserver-lab-3\d-\w+\.service, tsplay-pod-kube-controller-manager-/);
      assert.equal(pods?.after, 'stopped by the kubelet, waited for (up to 120 s), before the kubelet itself is stopped');
      assert.equal(await on(h, "systemctl list-units --plain --no-legend 'tsplay-pod-*' | wc -l"), '3', `${h}: --check stopped nothing`);
    }
    const since = await on('lab-32', 'date +%s');
    const o = await reset('reset.ts');
    ok(o);
    for (const h of HOSTS) {
      const done = resourceEvents(o, h, 'changed').map((e) => e.resource);
      assert.ok(done.indexOf(`static-pods:${MANIFESTS}`) === 0 && done.indexOf('service:kubelet.service') > 0, `${h}: ${done.join(' ')}`);
      // The kubelet itself stopped each pod, before it was stopped.
      const log = await on(h, `journalctl -u kubelet --no-pager -o cat --since @${since}`);
      for (const c of COMPONENTS) assert.match(log, new RegExp(`"Killing static pod" unit="tsplay-pod-${c}-${h}-`), `${h} ${c}`);
      assert.equal(await on(h, "systemctl list-units --all --plain --no-legend 'tsplay-pod-*' | wc -l"), '0', `${h}: no pod unit left`);
      assert.equal(await on(h, "pgrep -fc '[/]var/lib/kubelet/tsplay-standin/pods/' || true"), '0', `${h}: no pod process left`);
      assert.equal(await on(h, "ss -Hltn '( sport = :6443 or sport = :10257 or sport = :10259 )' | wc -l"), '0', `${h}: the ports are free`);
      assert.equal(await on(h, 'systemctl is-active kubelet etcd || true'), 'inactive\ninactive', h);
      assert.equal(
        await on(h, 'ls -d /etc/kubernetes /var/lib/etcd /var/lib/kubelet 2>/dev/null | wc -l'),
        '0',
        `${h}: config, etcd data and kubelet state gone`,
      );
    }
    const again = await reset('reset.ts again');
    ok(again);
    assert.deepEqual(changed(again), []);
  });
});
