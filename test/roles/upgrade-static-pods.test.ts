/**
 * The rolling upgrade with control_plane_mode static-pods (#17) on fake Debian and RHEL hosts: the plan
 * reads the control plane's versions from its manifests' image tags and asks no control-plane binary or
 * unit; check mode lists the manifests (their image lines) and nothing of binaries or units of the three;
 * apply replaces each manifest in a handler, the old one aside until its pod is gone; the gate wants the
 * target's image in each manifest and a process on its port started after the manifest was written.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import type { GateContext } from '../../lib/index.js';
import { plan } from '../../lib/runner/pass.js';
import { FakeHost } from '../../lib/testing/index.js';
import apiserver from '../../roles/apiserver/index.js';
import { placeOf } from '../../roles/apiserver/modes.js';
import { imagesOf } from '../../roles/apiserver/static-pods.js';
import { upgradeGate, upgrading } from '../../roles/upgrade/gate.js';
import { upgradePlan } from '../../roles/upgrade/index.js';
import { parsePodProbe, podProblem, podProbeCommand, staticPodsOn, tagOf } from '../../roles/upgrade/static-pods.js';
import { parseVersion } from '../../roles/upgrade/version.js';
import { packStandins, type Packed } from '../fixtures/standins/pack.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
const MANIFESTS = '/etc/kubernetes/manifests';
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const imagesFrom = (first: number) => Object.fromEntries(COMPONENTS.map((c, i) => [c, { digest: digest(first + i) }]));
const node = (b: string, ver: string) => `${b}\tKubernetes v${ver}-tsplay-standin (${b})\t100\t200\tactive`;
const target = parseVersion('1.35.0')!;

/** The host's side: systemctl for a unit that is not there; a replaced manifest gone (the kubelet stops the old pod at once) until the write. */
function scripted(h: FakeHost): FakeHost {
  h.script(/^if systemctl cat (\S+) >\/dev\/null 2>&1; then systemctl disable --now \1; fi$/, {});
  h.script(/^if \[ -f (\S+) \]; then mv -f -- \1 \S+\.replacing && \(/, (cmd) => {
    const path = /^if \[ -f (\S+) \]/.exec(cmd)![1]!;
    if (h.read(path) !== undefined) h.fs.remove(path);
  });
  h.script(/^if \[ -f \S+ \]; then mv -f -- \S+ \S+\.restarting && \(/, {});
  // The plan's one command: the kubelet's and kube-proxy's --version (1.34.7), then each manifest's image line.
  h.script(/sed -n 's\/\^ \*image: \*\/\/p'/, (cmd) => ({
    exitCode: 0,
    stdout: [
      ...(cmd.includes('--version') ? [node('kubelet', '1.34.7'), node('kube-proxy', '1.34.7'), '--- static pods ---'] : []),
      ...COMPONENTS.filter((c) => cmd.includes(`${MANIFESTS}/${c}.yaml`)).map((c) => {
        const image = /^ *image: *(\S+)$/m.exec(h.read(`${MANIFESTS}/${c}.yaml`) ?? '')?.[1] ?? '';
        return `${c}\t${image}\t${image ? 100 : '-'}\t${image && cmd.includes('ss -Hltnp') ? 105 : '-'}`;
      }),
    ].join('\n'),
  }));
  return h;
}

describe('the rolling upgrade of a static-pod control plane (roles/upgrade, roles/apiserver)', () => {
  let dir: string;
  let base: Packed;
  let next: Packed;
  const inv = (p: Packed, images: Record<string, unknown>) =>
    inventory({
      ...SMALL,
      vars: {
        ...SMALL.vars,
        pki_dir: join(dir, 'pki'),
        k8s_artifacts: p.overrides,
        k8s_cache_dir: join(dir, 'cache'),
        control_plane_mode: 'static-pods',
        control_plane_images: images,
      },
    });
  const BASE = () => inv(base, imagesFrom(1));
  const NEXT = () => inv(next, imagesFrom(4));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-upgrade-static-pods-'));
    base = packStandins(join(dir, 'base'), { version: '1.34.7' });
    next = packStandins(join(dir, 'next'), { version: '1.35.0' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: the plan reads the manifests' image tags, asks no control-plane binary; check lists the manifests' images; apply replaces them`, async () => {
      const h = scripted(kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1'));
      assert.equal((await runOn(h, apiserver, 'master-1', { inv: BASE() })).error, undefined);
      h.commands.length = 0;
      const p = await plan(h, forHost(upgradePlan, 'master-1', { inv: NEXT() }).resources);
      assert.deepEqual(
        p.planned.map((x) => [x.resource.id, x.changes.length, x.error]),
        [['upgrade-plan:1.35.0', 0, undefined]],
      );
      const asked = h.commands.join('\n');
      assert.ok(!/kube-(apiserver|controller-manager|scheduler)' --version|bin\/kube-apiserver/.test(asked), asked);
      for (const c of COMPONENTS) assert.ok(asked.includes(`${MANIFESTS}/${c}.yaml`), c);

      // Check mode: the three manifests, each changing its image line only; no binary or unit of the three.
      const check = await runOn(h, apiserver, 'master-1', { inv: NEXT(), mode: 'check' });
      const would = check.events.flatMap((e) => (e.kind === 'resource' && e.status === 'would-change' ? [e] : []));
      const ids = would.map((e) => e.resource);
      for (const c of COMPONENTS) {
        assert.ok(ids.includes(`static-pod:${c}`), ids.join(' '));
        assert.ok(!ids.some((x) => x === `artifact:/usr/local/bin/${c}` || x === `unit:${c}.service` || x === `service:${c}.service`), ids.join(' '));
        const d = would.find((e) => e.resource === `static-pod:${c}`)!.changes[0]!.diff!;
        const changed = d.after.split('\n').filter((l, i) => l !== d.before.split('\n')[i]);
        assert.deepEqual(changed, [`      image: registry.k8s.io/${c}:v1.35.0@${digest(4 + COMPONENTS.indexOf(c))}`]);
      }
      assert.ok(h.read(`${MANIFESTS}/kube-apiserver.yaml`)!.includes(':v1.34.7@'), 'check changed nothing');

      h.commands.length = 0;
      const up = await runOn(h, upgrading(apiserver, [...COMPONENTS]), 'master-1', { inv: NEXT() });
      assert.equal(up.error, undefined);
      for (const c of COMPONENTS) {
        assert.ok(up.handlers.includes(placeOf(c)), up.handlers.join(', '));
        assert.ok(h.read(`${MANIFESTS}/${c}.yaml`)!.includes(`:v1.35.0@${digest(4 + COMPONENTS.indexOf(c))}`), c);
        // The old manifest went aside (the old pod stopped) before the new one was written.
        assert.ok(
          h.commands.some((x) => x.startsWith(`if [ -f ${MANIFESTS}/${c}.yaml ]; then mv -f -- ${MANIFESTS}/${c}.yaml ${MANIFESTS}/.${c}.yaml.replacing && (`)),
          c,
        );
        assert.equal(h.read(`${MANIFESTS}/.${c}.yaml.replacing`), undefined);
      }
      assert.equal((await runOn(h, apiserver, 'master-1', { inv: NEXT() })).counts.changed, 0);
    });
  }

  it('the plan refuses a host without manifests, or a minor skipped by the image tag, naming the pods', async () => {
    const h = scripted(FakeHost.debian('master-1'));
    const none = await plan(h, forHost(upgradePlan, 'master-1', { inv: NEXT() }).resources);
    assert.match(none.planned[0]!.error!, /kube-apiserver, kube-controller-manager, kube-scheduler on master-1 are not installed/);
    for (const c of COMPONENTS) h.seedFile(`${MANIFESTS}/${c}.yaml`, `    image: registry.k8s.io/${c}:v1.33.2@${digest(7)}\n`);
    const skip = await plan(h, forHost(upgradePlan, 'master-1', { inv: NEXT() }).resources);
    assert.match(skip.planned[0]!.error!, /kube-apiserver, kube-controller-manager, kube-scheduler on master-1 are 1\.33\.2: 1\.35\.0 skips 1 minor/);
    // In systemd mode the binaries are asked, as before.
    assert.deepEqual(staticPodsOn(forHost(upgradePlan, 'master-1').host, inventory().cluster), []);
  });

  it('the gate: the target image in each manifest, a process on its port started after it was written, /version', async () => {
    const { host, cluster, vars } = forHost(apiserver, 'master-1', { inv: NEXT() });
    const want = imagesOf({ v: vars, cluster });
    const asked: string[] = [];
    const ctx = (started: number, image = (c: (typeof COMPONENTS)[number]) => want[c].ref): GateContext<object> => ({
      host,
      cluster,
      vars,
      exec: async (c) => {
        asked.push(c);
        const out = c.includes('get --raw=/version')
          ? '{"gitVersion":"v1.35.0"}'
          : c.includes('--version')
            ? node('kubelet', '1.35.0')
            : COMPONENTS.map((x) => `${x}\t${image(x)}\t100\t${started}`).join('\n');
        return { exitCode: 0, stdout: out, stderr: '' };
      },
    });
    const gate = upgradeGate<object>([...COMPONENTS]);
    await gate.check(ctx(100));
    // The kubelet the role replaced is asked as a binary; the control plane's three are not.
    assert.match(asked[0]!, /'\/usr\/local\/bin\/kubelet' --version/);
    assert.ok(!asked.some((c) => /bin\/kube-(apiserver|controller-manager|scheduler)/.test(c)), asked.join('\n'));
    for (const port of [6443, 10257, 10259]) assert.ok(asked[1]!.includes(`ss -Hltnp 'sport = :${port}'`), String(port));
    assert.match(asked[2]!, /get --raw=\/version/);
    await assert.rejects(gate.check(ctx(99)), /kube-apiserver: the process on its port started before its manifest was written: still the old pod/);
    await assert.rejects(
      gate.check(ctx(105, (c) => want[c].ref.replace('v1.35.0', 'v1.34.7'))),
      /kube-scheduler's manifest names registry\.k8s\.io\/kube-scheduler:v1\.34\.7@\S+, not an image of 1\.35\.0/,
    );
    await assert.rejects(gate.check(ctx(105, (c) => `${want[c].ref.split('@')[0]}@${digest(9)}`)), /kube-apiserver's manifest names \S+, not registry/);
  });

  it('reads the probe; the tag of a reference with a registry port; the problems, each with why', () => {
    const cmd = podProbeCommand([{ component: 'kube-scheduler', manifest: `${MANIFESTS}/kube-scheduler.yaml`, port: 10259 }]);
    assert.match(cmd, /stat -c %Y '\/etc\/kubernetes\/manifests\/kube-scheduler\.yaml'/);
    assert.match(cmd, /ps -o etimes= -p "\$pid"/);
    assert.ok(!podProbeCommand([{ component: 'kube-scheduler', manifest: '/m.yaml' }]).includes('ss -Hltnp'), 'no port: no listener asked');
    const seen = parsePodProbe('kube-scheduler\treg:5000/kube-scheduler:v1.35.0@sha256:ab\t100\t-\n');
    assert.deepEqual(seen.get('kube-scheduler'), { component: 'kube-scheduler', image: 'reg:5000/kube-scheduler:v1.35.0@sha256:ab', writtenAt: 100 });
    assert.equal(tagOf('reg:5000/kube-scheduler:v1.35.0@sha256:ab'), 'v1.35.0');
    assert.equal(tagOf('reg:5000/kube-scheduler@sha256:ab'), '');
    const ref = 'reg:5000/kube-scheduler:v1.35.0@sha256:ab';
    assert.match(podProblem('kube-scheduler', seen.get('kube-scheduler'), ref, target)!, /nothing listens on its port/);
    assert.match(podProblem('kube-scheduler', undefined, ref, target)!, /no static pod manifest/);
    assert.equal(podProblem('kube-scheduler', { ...seen.get('kube-scheduler')!, startedAt: 100 }, ref, target), undefined);
  });
});
