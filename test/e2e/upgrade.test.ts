/**
 * End to end, rolling upgrade on lab-21..25 (issue #12): etcd and the control plane on lab-21..23, workers
 * lab-24 and lab-25, the Kubernetes binaries the stand-ins packed to report a version (1.34.7, then 1.35.0:
 * the second reuses 1.34's upstream flag lists, see test/fixtures/standins/pack.ts). Build at 1.34.7; an
 * upgrade to 1.36.0 is refused before anything changes (a skipped minor); --check lists exactly the
 * binaries and restarts per host; with lab-24's kubelet made to refuse to start, the upgrade stops there:
 * the control plane is on 1.35.0, lab-24 failed, lab-25 is untouched on 1.34.7; without the fault the
 * upgrade goes all the way (hosts one at a time, then the worker batches), and a second run changes
 * nothing. Prints each step's time.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onHost, requireLab } from '../integration/lab-hosts.js';
import { failures, took, on, sum, tsplayJson, type Outcome } from './cli.js';

const BASE = 'test/fixtures/inventory/lab-upgrade.ts';
const NEXT = 'test/fixtures/inventory/lab-upgrade-next.ts';
const SKIP = 'test/fixtures/inventory/lab-upgrade-skip.ts';
const MASTERS = ['lab-21', 'lab-22', 'lab-23'];
const WORKERS = ['lab-24', 'lab-25'];
const CP_BINS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
const NODE_BINS = ['kubelet', 'kube-proxy'];
const binsOf = (h: string) => (MASTERS.includes(h) ? [...CP_BINS, ...NODE_BINS] : NODE_BINS);
const FAULT = '/etc/systemd/system/kubelet.service.d/99-tsplay-upgrade-fault.conf';

const upgrade = (inventory: string, ...args: string[]) => tsplayJson(['run', 'playbooks/upgrade.ts', '-i', inventory, ...args]);

/** binary -> the version its --version reports, on `host`. */
async function versions(host: string): Promise<Record<string, string>> {
  const out = await on(
    host,
    binsOf(host)
      .map((b) => `printf '%s ' ${b}; /usr/local/bin/${b} --version | head -n1`)
      .join('; '),
  );
  return Object.fromEntries(
    out.split('\n').map((l) => {
      const [b = '', ...rest] = l.split(' ');
      return [b, /v(\d+\.\d+\.\d+)/.exec(rest.join(' '))?.[1] ?? rest.join(' ')];
    }),
  );
}
const allOn = (v: string, host: string) => Object.fromEntries(binsOf(host).map((b) => [b, v]));
/** Every host's binaries on version `v` (asked in parallel: each stand-in's --version is a python start). */
async function everyOn(v: string, hosts: readonly string[], why = '') {
  const got = await Promise.all(hosts.map(versions));
  for (const [i, h] of hosts.entries()) assert.deepEqual(got[i], allOn(v, h), `${h}${why}`);
}
const apiVersion = (host: string) =>
  on(
    host,
    `/usr/local/bin/kubectl --kubeconfig=/etc/kubernetes/admin.conf --server=https://10.231.0.${10 + Number(host.slice(4))}:6443 get --raw=/version | sed -n 's/.*"gitVersion": *"\\([^"]*\\)".*/\\1/p'`,
  );
const changedOn = (o: Outcome, host: string) =>
  o.events.filter((e) => e.host === host && (e.kind === 'resource' || e.kind === 'handler') && e.status === 'changed');
/** Hosts in the order their first handler (restart) ran, failed ones included. */
const restartOrder = (o: Outcome) => [
  ...new Set(o.events.filter((e) => e.kind === 'handler' && (e.status === 'changed' || e.status === 'failed')).map((e) => String(e.host))),
];

/** Packs dir/src/<top> as <top>.tar.gz into a scratch artifact cache (dir/cache/<sha256>/), as a download would land; returns its sha256. */
function cacheTarball(dir: string, top: string): string {
  const tgz = join(dir, `${top}.tar.gz`);
  execFileSync('tar', ['-czf', tgz, '-C', join(dir, 'src'), top]);
  const sha256 = createHash('sha256').update(readFileSync(tgz)).digest('hex');
  mkdirSync(join(dir, 'cache', sha256), { recursive: true });
  writeFileSync(join(dir, 'cache', sha256, `${top}.tar.gz`), readFileSync(tgz));
  return sha256;
}

describe('e2e: rolling upgrade on lab-21..25 (1.34.7 -> 1.35.0 stand-ins, a gate failure halfway)', function () {
  this.timeout(900_000);

  before(async function () {
    await requireLab(this, 25);
    for (const w of WORKERS) await on(w, `rm -f ${FAULT}; systemctl daemon-reload`);
    const up = await tsplayJson(['run', 'playbooks/site.ts', '-i', BASE]);
    took('build the cluster at 1.34.7 (site.ts)', up);
    assert.equal(up.code, 0, failures(up));
    await everyOn('1.34.7', [...MASTERS, ...WORKERS]);
  });
  after(async () => {
    for (const w of WORKERS) await onHost(w, `rm -f ${FAULT}; systemctl daemon-reload`);
  });

  it("flannel's etcd subnet manager: the network config in etcd, a lease per node, each flanneld with its own etcd client certificate", async () => {
    const etcdctl =
      'ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key';
    const config = JSON.parse(await on('lab-21', `${etcdctl} get /coreos.com/network/config --print-value-only`));
    assert.deepEqual([config.Network, config.Backend.Type], ['10.244.0.0/16', 'vxlan']);
    const leases = (await on('lab-21', `${etcdctl} get /coreos.com/network/subnets/ --prefix --keys-only`)).split('\n').filter(Boolean);
    assert.equal(leases.length, MASTERS.length + WORKERS.length, `a lease per node: ${leases.join(' ')}`);
    for (const h of [...MASTERS, ...WORKERS]) {
      const unit = await on(h, 'systemctl cat flanneld.service');
      assert.match(unit, /--etcd-endpoints=https:\/\/10\.231\.0\.31:2379,https:\/\/10\.231\.0\.32:2379,https:\/\/10\.231\.0\.33:2379/);
      assert.doesNotMatch(unit, /--kube-subnet-mgr/);
      assert.match(await on(h, 'openssl x509 -noout -subject -in /etc/kubernetes/pki/etcd/flannel-client.crt'), /CN ?= ?flannel/);
      assert.equal((await on(h, 'systemctl is-active flanneld')).trim(), 'active');
    }
  });

  it('refuses an upgrade that skips a minor version before anything changes', async () => {
    const o = await upgrade(SKIP);
    took('upgrade to 1.36.0 (refused)', o);
    assert.notEqual(o.code, 0);
    assert.equal(sum(o, 'changed'), 0);
    const plays = o.events.filter((e) => e.kind === 'play-start').map((e) => e.play);
    assert.deepEqual(plays, ['upgrade plan'], 'only the read-only plan ran');
    const failed = o.events.filter((e) => e.kind === 'host-failed').map((e) => String(e.error));
    assert.equal(failed.length, 5);
    for (const f of failed) assert.match(f, /(is|are) 1\.34\.7: 1\.36\.0 skips 1 minor version\(s\); upgrade one minor at a time \(to 1\.35\.x first/);
    await everyOn('1.34.7', [...MASTERS, ...WORKERS]);
  });

  it("refuses an etcd upgrade that skips a minor (the real etcd 3.4 members' versions, read from the cluster) before anything changes", async () => {
    // The 3.6.0 row's tarball: a placeholder pre-filled in a scratch cache under its sha256 (nothing is downloaded here),
    // never pushed: the plan refuses first. What is real: every member's running version, and the refusal.
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-etcd-skip-'));
    const saved = process.env['TSPLAY_CACHE'];
    try {
      const top = 'etcd-v3.6.0-linux-amd64';
      mkdirSync(join(dir, 'src', top), { recursive: true });
      for (const b of ['etcd', 'etcdctl']) writeFileSync(join(dir, 'src', top, b), '#!/bin/sh\necho tsplay-e2e-etcd-placeholder\n', { mode: 0o755 });
      const sha256 = cacheTarball(dir, top);
      const release = {
        etcd_install: 'release',
        etcd_release: {
          version: '3.6.0',
          url: `https://github.com/etcd-io/etcd/releases/download/v3.6.0/${top}.tar.gz`,
          sha256,
          arch: 'amd64',
          bin_dir: '/usr/local/bin',
        },
      };
      writeFileSync(join(dir, 'etcd-3.6.json'), JSON.stringify(release));
      process.env['TSPLAY_CACHE'] = join(dir, 'cache');
      const o = await upgrade(BASE, '-e', `@${join(dir, 'etcd-3.6.json')}`);
      took('etcd upgrade 3.4 -> 3.6.0 (refused)', o);
      assert.notEqual(o.code, 0);
      assert.equal(sum(o, 'changed'), 0);
      assert.deepEqual(
        o.events.filter((e) => e.kind === 'play-start').map((e) => e.play),
        ['upgrade plan', 'etcd upgrade plan'],
        'only the read-only plans ran',
      );
      const failed = o.events.filter((e) => e.kind === 'host-failed').map((e) => String(e.error));
      assert.equal(failed.length, 1, failures(o));
      for (const m of MASTERS)
        assert.match(
          failed[0]!,
          new RegExp(`${m} runs etcd 3\\.4\\.\\d+: 3\\.6\\.0 skips 1 minor version\\(s\\); etcd upgrades one minor at a time, every member on 3\\.5\\.x first`),
        );
      for (const m of MASTERS)
        assert.equal(
          await on(m, 'grep -qs tsplay-e2e-etcd-placeholder /usr/local/bin/etcd && echo pushed || echo not-pushed'),
          'not-pushed',
          `${m}: nothing pushed`,
        );
    } finally {
      if (saved === undefined) delete process.env['TSPLAY_CACHE'];
      else process.env['TSPLAY_CACHE'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--check lists exactly the binaries and restarts that change, per host, and that draining is skipped', async () => {
    const o = await upgrade(NEXT, '--check');
    took('upgrade --check', o);
    assert.equal(o.code, 0, failures(o));
    const would = o.events
      .filter((e) => (e.kind === 'resource' || e.kind === 'handler') && e.status === 'would-change')
      .map((e) => `${e.host} ${e.kind === 'resource' ? e.resource : e.handler}`)
      .sort();
    const expected = [...MASTERS, ...WORKERS]
      .flatMap((h) => [
        ...binsOf(h).map((b) => `${h} artifact:/usr/local/bin/${b}`),
        ...binsOf(h).map((b) => `${h} restart ${b}`),
        ...(MASTERS.includes(h) ? [`${h} artifact:/usr/local/bin/kubectl`] : []),
      ])
      .sort();
    assert.deepEqual(would, expected);
    const warn = o.events.filter((e) => e.kind === 'controller' && e.step === 'warning').map((e) => String(e.text));
    for (const w of WORKERS)
      assert.ok(
        warn.some((t) =>
          t.startsWith(
            `${w}: cordon and drain skipped: the API at https://10.231.0.31:6443 answers /version (v1.34.7-tsplay-standin) but serves no /api/v1 objects`,
          ),
        ),
        warn.join('\n'),
      );
    await everyOn('1.34.7', [...MASTERS, ...WORKERS], ': check mode changed nothing');
  });

  it('stops at a failed gate halfway: the control plane on 1.35.0, lab-24 failed, lab-25 untouched on 1.34.7', async () => {
    await on(
      'lab-24',
      `mkdir -p ${FAULT.replace(/\/[^/]+$/, '')} && printf '[Service]\\nExecStartPre=/bin/sh -c "echo tsplay upgrade e2e: injected start failure >&2; exit 1"\\n' > ${FAULT} && systemctl daemon-reload`,
    );
    const o = await upgrade(NEXT);
    took('upgrade with lab-24 refusing to start its kubelet', o);
    assert.notEqual(o.code, 0);
    assert.deepEqual(
      o.events.filter((e) => e.kind === 'host-failed').map((e) => e.host),
      ['lab-24'],
      failures(o),
    );
    assert.ok(o.events.some((e) => e.kind === 'play-aborted' && e.play === 'upgrade workers'));
    assert.deepEqual(restartOrder(o), [...MASTERS, 'lab-24'], 'control plane one host at a time, then the first worker batch');
    await everyOn('1.35.0', MASTERS);
    for (const m of MASTERS) assert.equal(await apiVersion(m), 'v1.35.0-tsplay-standin', `${m} serves the new version`);
    assert.equal((await versions('lab-24'))['kubelet'], '1.35.0', 'lab-24 got the new kubelet binary');
    assert.notEqual((await onHost('lab-24', 'systemctl is-active kubelet')).out.trim(), 'active');
    assert.deepEqual(await versions('lab-25'), allOn('1.34.7', 'lab-25'), 'lab-25 stays on the old version');
    assert.deepEqual(changedOn(o, 'lab-25'), [], 'nothing changed on lab-25');
  });

  it('goes all the way without the fault, one host or batch at a time, and a second run changes nothing', async () => {
    await on('lab-24', `rm -f ${FAULT} && systemctl daemon-reload`);
    const o = await upgrade(NEXT);
    took('upgrade, the rest of the way', o);
    assert.equal(o.code, 0, failures(o));
    assert.deepEqual(restartOrder(o), WORKERS, 'the control plane is done: only the workers change, batch after batch');
    await everyOn('1.35.0', [...MASTERS, ...WORKERS]);
    for (const w of WORKERS) assert.equal(await on(w, 'systemctl is-active kubelet kube-proxy | sort -u'), 'active');
    const gates = o.events
      .filter((e) => e.kind === 'gate' && e.status === 'ok' && String(e.gate).startsWith('upgraded:'))
      .map((e) => `${e.host} ${e.role}`)
      .sort();
    assert.ok(gates.includes('lab-25 kubelet') && gates.includes('lab-25 kube-proxy'), gates.join(', '));
    const again = await upgrade(NEXT);
    took('upgrade again (no-op)', again);
    assert.equal(again.code, 0, failures(again));
    assert.equal(sum(again, 'changed'), 0);
  });

  it('etcd one member at a time behind the health and version gates, a client reading and writing through all members throughout', async () => {
    // What is real: Debian's etcd 3.4.23 binaries from lab-21, packed in the release layout (a scratch cache, a
    // mirror URL that is not upstream's), declared as what they are: 3.4.23. The run moves each member from the
    // package's /usr/bin/etcd to the release row's /usr/local/bin/etcd (no version change: no other etcd can be had here).
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-etcd-rel-'));
    const saved = process.env['TSPLAY_CACHE'];
    const top = 'etcd-v3.4.23-linux-amd64';
    const ssh = [
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=error',
      '-i',
      '/var/lib/tsplay/lab/id_ed25519',
    ];
    try {
      mkdirSync(join(dir, 'src', top), { recursive: true });
      for (const b of ['etcd', 'etcdctl']) execFileSync('scp', ['-q', ...ssh, `root@10.231.0.31:/usr/bin/${b}`, join(dir, 'src', top, b)]);
      const sha256 = cacheTarball(dir, top);
      const release = {
        etcd_install: 'release',
        etcd_release: { version: '3.4.23', url: `https://mirror.invalid/debian-etcd-3.4.23/${top}.tar.gz`, sha256, arch: 'amd64', bin_dir: '/usr/local/bin' },
      };
      writeFileSync(join(dir, 'etcd.json'), JSON.stringify(release));
      // The client: on lab-24 (no member), put then a linearizable get through all three members every 100 ms.
      const eps = MASTERS.map((m) => `https://10.231.0.${10 + Number(m.slice(4))}:2379`).join(',');
      const ctl = `ETCDCTL_API=3 etcdctl --endpoints=${eps} --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/flannel-client.crt --key=/etc/kubernetes/pki/etcd/flannel-client.key --command-timeout=3s`;
      await on(
        'lab-24',
        `rm -f /tmp/etcd-reader.*; nohup sh -c 'ok=0; fail=0; i=0; while [ ! -e /tmp/etcd-reader.stop ]; do i=$((i+1)); if ${ctl} put /rolling/k v$i >/dev/null 2>&1 && [ "$(${ctl} get /rolling/k --print-value-only 2>/dev/null)" = "v$i" ]; then ok=$((ok+1)); else fail=$((fail+1)); fi; sleep 0.1; done; echo "$ok $fail" > /tmp/etcd-reader.out' >/dev/null 2>&1 &`,
      );
      process.env['TSPLAY_CACHE'] = join(dir, 'cache');
      const o = await upgrade(NEXT, '-e', `@${join(dir, 'etcd.json')}`);
      took('etcd member by member onto the release row (same 3.4.23 binaries)', o);
      await on('lab-24', 'touch /tmp/etcd-reader.stop; for i in $(seq 1 50); do [ -e /tmp/etcd-reader.out ] && break; sleep 0.2; done');
      const [ok, fail] = (await on('lab-24', 'cat /tmp/etcd-reader.out')).split(' ').map(Number);
      console.log(`      etcd client through all members during the member-by-member restart: ${ok} ok, ${fail} failed`);
      assert.equal(o.code, 0, failures(o));
      const steps = o.events
        .filter((e) => e.role === 'etcd' && ((e.kind === 'handler' && e.status === 'changed') || (e.kind === 'gate' && e.status === 'ok')))
        .map((e) => `${e.host} ${e.kind === 'handler' ? e.handler : e.gate}`);
      assert.deepEqual(
        steps,
        MASTERS.flatMap((m) => [`${m} restart etcd`, `${m} etcdctl endpoint health --cluster`, `${m} upgraded: the etcd member runs the target version`]),
        'one member at a time: restarted, the cluster healthy, on the target, before the next',
      );
      for (const m of MASTERS) assert.match(await on(m, 'systemctl show -p ExecStart --value etcd'), /path=\/usr\/local\/bin\/etcd /);
      assert.ok(ok! > 0);
      assert.equal(fail, 0, 'no failed read or write');
    } finally {
      if (saved === undefined) delete process.env['TSPLAY_CACHE'];
      else process.env['TSPLAY_CACHE'] = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
