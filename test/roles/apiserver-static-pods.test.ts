/**
 * control_plane_mode static-pods (#17) on fake Debian and RHEL hosts: the manifests come from the same
 * flag records as the units and are valid v1 Pods by the upstream schema (kubernetes-models: validators
 * compiled from the Kubernetes OpenAPI spec, tommy351/kubernetes-models-ts); the kubelet gets staticPodPath
 * on control-plane hosts only; a move either way happens in the rolling handlers, never at apply; bad
 * input is refused before any host is touched.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pod } from 'kubernetes-models/v1/Pod';
import { after, before, describe, it } from 'mocha';
import { parse } from 'yaml';
import { ConfigError } from '../../lib/core/errors.js';
import { FakeHost } from '../../lib/testing/index.js';
import apiserver, { componentFlags } from '../../roles/apiserver/index.js';
import { resolveImage } from '../../roles/apiserver/images.js';
import { commandOf } from '../../roles/apiserver/manifests.js';
import { placeOf, unplaceOf } from '../../roles/apiserver/modes.js';
import { renderFlags } from '../../roles/apiserver/units.js';
import kubelet from '../../roles/kubelet/index.js';
import { packStandins, type Packed } from '../fixtures/standins/pack.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const IMAGES = Object.fromEntries(COMPONENTS.map((c, i) => [c, { digest: digest(i + 1) }]));
const MANIFESTS = '/etc/kubernetes/manifests';

/** The hosts' side of the moves' shell steps, as systemctl and the kubelet would answer on a real host. */
function scripted(h: FakeHost): FakeHost {
  const off = (unit: string) => {
    if (h.services.has(unit)) h.services.set(unit, { ...h.services.get(unit)!, enabled: false, active: false });
  };
  h.script(/^if systemctl cat (\S+) >\/dev\/null 2>&1; then systemctl disable --now \1; fi$/, (cmd) => off(/systemctl cat (\S+)/.exec(cmd)![1]!));
  // The move back: the manifest removed, the port free once the kubelet stopped the pod, the unit started.
  h.script(/^if \[ -f (\S+) \]; then rm -f -- \1 && /, (cmd) => {
    const path = /^if \[ -f (\S+) \]/.exec(cmd)![1]!;
    if (!h.fs.get(path)) return;
    h.fs.remove(path);
    const unit = /systemctl restart (\S+); fi$/.exec(cmd)![1]!;
    h.services.set(unit, { ...h.services.get(unit)!, enabled: true, active: true });
  });
  h.script(/^if \[ -f \S+ \]; then mv -f -- /, {});
  return h;
}

describe('control_plane_mode static-pods (roles/apiserver, roles/kubelet)', () => {
  let dir: string;
  let packed: Packed;
  const inv = (extra: Record<string, unknown> = {}, spec = SMALL) =>
    inventory({
      ...spec,
      vars: { ...spec.vars, pki_dir: join(dir, 'pki'), k8s_artifacts: packed.overrides, k8s_cache_dir: join(dir, 'cache'), ...extra },
    });
  const staticPods = (extra: Record<string, unknown> = {}) => inv({ control_plane_mode: 'static-pods', control_plane_images: IMAGES, ...extra });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-static-pods-'));
    packed = packStandins(join(dir, 'standins'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: manifests, the kubelet with staticPodPath, no units; the moves run as handlers; then nothing is left`, async () => {
      const h = scripted(kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1'));
      const i = staticPods();
      const { resources } = forHost(apiserver, 'master-1', { inv: i });
      const ids = resources.map((r) => r.id);
      for (const c of COMPONENTS) {
        assert.ok(ids.includes(`static-pod:${c}`), c);
        assert.ok(!ids.includes(`unit:${c}.service`) && !ids.includes(`artifact:/usr/local/bin/${c}`), `${c}: no unit, no host binary`);
      }
      // The kubelet's own resources come first: it must run before its pods are due.
      assert.ok(ids.indexOf('artifact:/usr/local/bin/kubelet') < ids.indexOf('static-pod:kube-apiserver'));
      assert.equal(new Set(ids).size, ids.length, 'no resource twice (ca.crt is the control plane share only)');
      const first = await runOn(h, apiserver, 'master-1', { inv: i });
      assert.equal(first.error, undefined);
      // Apply writes no manifest: each move is a handler, run in the role's rolling turn.
      for (const c of COMPONENTS) assert.ok(first.handlers.includes(placeOf(c)), `${c}: ${first.handlers.join(', ')}`);
      for (const c of COMPONENTS) {
        const pod = parse(h.read(`${MANIFESTS}/${c}.yaml`)!);
        assert.equal(pod.kind, 'Pod');
        assert.equal(h.fs.get(`${MANIFESTS}/${c}.yaml`)?.mode, 0o600);
      }
      const config = parse(h.read('/var/lib/kubelet/config.yaml')!);
      assert.equal(config.staticPodPath, MANIFESTS);
      const second = await runOn(h, apiserver, 'master-1', { inv: i });
      assert.deepEqual([second.counts.changed, second.handlers], [0, []]);
      // The kubelet role, in the nodes play after, finds the same files: nothing to do.
      const k = await runOn(h, kubelet, 'master-1', { inv: i });
      assert.deepEqual([k.counts.changed, k.handlers], [0, []]);
    });
  }

  it('each manifest is a valid v1 Pod by the upstream schema, its command the same flags as the unit, hostNetwork and critical', () => {
    const i = staticPods();
    const { vars, host, cluster } = forHost(apiserver, 'master-1', { inv: i });
    const flags = componentFlags(vars, host, cluster);
    const sysd = forHost(apiserver, 'master-1', { inv: inv() });
    const h = scripted(FakeHost.debian('master-1'));
    return (async () => {
      await runOn(h, apiserver, 'master-1', { inv: i });
      for (const c of COMPONENTS) {
        const pod = parse(h.read(`${MANIFESTS}/${c}.yaml`)!);
        new Pod(pod).validate();
        const container = pod.spec.containers[0];
        assert.deepEqual(container.command, commandOf(c, flags[c]));
        // One source of flags: the unit's ExecStart words are the manifest's command (systemd's quoting aside).
        const unitFlags = renderFlags(componentFlags(sysd.vars, sysd.host, sysd.cluster)[c]);
        assert.deepEqual(
          container.command.slice(1),
          unitFlags.map((w) => w.replace(/^"(.*)"$/, '$1')),
        );
        assert.equal(pod.spec.hostNetwork, true);
        assert.equal(pod.spec.priorityClassName, 'system-node-critical');
        assert.equal(pod.metadata.namespace, 'kube-system');
        assert.match(container.image, /^registry\.k8s\.io\/kube-[a-z-]+:v1\.34\.7-?[^@]*@sha256:[0-9a-f]{64}$/);
        assert.ok(container.livenessProbe, `${c}: a liveness probe`);
        assert.deepEqual(
          pod.spec.volumes.map((v: { hostPath: { path: string } }) => v.hostPath.path),
          ['/etc/kubernetes', '/etc/ssl/certs'],
        );
      }
      const ctl = parse(h.read(`${MANIFESTS}/kube-controller-manager.yaml`)!).spec.containers[0];
      assert.deepEqual(ctl.livenessProbe.httpGet, { host: '127.0.0.1', path: '/healthz', port: 10257, scheme: 'HTTPS' });
      // Anonymous auth is off: an HTTP probe would get 401, so the apiserver's probes are TCP connects.
      const api = parse(h.read(`${MANIFESTS}/kube-apiserver.yaml`)!).spec.containers[0];
      assert.deepEqual(api.livenessProbe.tcpSocket, { host: '10.0.0.21', port: 6443 });
    })();
  });

  it('the validator is the upstream schema: it refuses what the apiserver would (a wrong type, a bad field value)', () => {
    assert.throws(
      () => new Pod({ metadata: { name: 'x' }, spec: { hostNetwork: 'yes', containers: [{ name: 'c', image: 'i' }] } } as never).validate(),
      /hostNetwork/,
    );
    assert.throws(() => new Pod({ metadata: { name: 'x' }, spec: {} } as never).validate(), /containers/);
  });

  it('the kubelet gets staticPodPath on control-plane hosts only, and only in static-pods mode', () => {
    const i = staticPods();
    const text = (host: string, x = i) => forHost(kubelet, host, { inv: x }).resources.find((r) => r.id === 'template:/var/lib/kubelet/config.yaml');
    assert.ok(text('master-1'));
    const cfg = async (host: string, x = i) => {
      const h = scripted(FakeHost.debian(host));
      await runOn(h, kubelet, host, { inv: x });
      return parse(h.read('/var/lib/kubelet/config.yaml')!);
    };
    return (async () => {
      assert.equal((await cfg('master-1')).staticPodPath, MANIFESTS);
      assert.equal((await cfg('worker-1')).staticPodPath, undefined);
      assert.equal((await cfg('master-1', inv())).staticPodPath, undefined);
      assert.equal((await cfg('master-1', staticPods({ k8s_config_dir: '/srv/kubernetes' }))).staticPodPath, '/srv/kubernetes/manifests');
    })();
  });

  it('a converged systemd host switches: check says what moves, apply stops nothing, the handler moves it; and back', async () => {
    const h = scripted(FakeHost.rhel('master-1'));
    const sysd = inv({ control_plane_mode: 'systemd' });
    assert.equal((await runOn(h, apiserver, 'master-1', { inv: sysd })).error, undefined);
    assert.equal(h.service('kube-apiserver.service').active, true);
    const check = await runOn(h, apiserver, 'master-1', { inv: staticPods(), mode: 'check' });
    const would = check.events.flatMap((e) => (e.kind === 'resource' && e.status === 'would-change' ? [e.resource] : []));
    for (const c of COMPONENTS) assert.ok(would.includes(`static-pod:${c}`), would.join(' '));
    assert.equal(h.service('kube-apiserver.service').active, true, 'check mode changes nothing');
    const moved = await runOn(h, apiserver, 'master-1', { inv: staticPods() });
    assert.equal(moved.error, undefined);
    for (const c of COMPONENTS) {
      assert.deepEqual(h.service(`${c}.service`), { enabled: false, active: false }, `${c} stopped and disabled`);
      assert.ok(h.read(`${MANIFESTS}/${c}.yaml`), `${c} manifest`);
    }
    const again = await runOn(h, apiserver, 'master-1', { inv: staticPods(), mode: 'check' });
    assert.equal(again.counts.changed, 0, 'check after the switch: nothing');
    // Back: the mode named systemd moves each component to its unit in a handler.
    const back = await runOn(h, apiserver, 'master-1', { inv: sysd });
    assert.equal(back.error, undefined);
    for (const c of COMPONENTS) {
      assert.ok(back.handlers.includes(unplaceOf(c)), back.handlers.join(', '));
      assert.equal(h.read(`${MANIFESTS}/${c}.yaml`), undefined);
      assert.deepEqual(h.service(`${c}.service`), { enabled: true, active: true });
    }
    assert.equal((await runOn(h, apiserver, 'master-1', { inv: sysd })).counts.changed, 0);
  });

  it('a manifest left behind with the mode no longer named: the host is refused, saying why', async () => {
    const h = scripted(FakeHost.debian('master-1'));
    await runOn(h, apiserver, 'master-1', { inv: staticPods() });
    const r = await runOn(h, apiserver, 'master-1', { inv: inv() });
    assert.match(
      String(r.error),
      /kube-apiserver runs as a static pod here \(\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml\) but control_plane_mode is not named/,
    );
  });

  it('air-gapped: an image archive is fetched, pushed and imported into containerd unless it holds that digest', () => {
    const archive = { url: packed.overrides.kubernetes!.url!, sha256: '0'.repeat(64) };
    const i = staticPods({ control_plane_images: { ...IMAGES, 'kube-apiserver': { ...IMAGES['kube-apiserver'], archive } } });
    const ids = forHost(apiserver, 'master-1', { inv: i }).resources.map((r) => r.id);
    assert.ok(ids.includes('artifact:/var/lib/tsplay/images/kube-apiserver.tar'), ids.join(' '));
    const imp = ids.find((x) => x.startsWith('command:import registry.k8s.io/kube-apiserver:v1.34.7@'));
    assert.ok(imp, ids.join(' '));
    assert.ok(!ids.some((x) => x.includes('images/kube-scheduler.tar')), 'no archive, no import: the runtime pulls it');
  });

  it('bad input is refused before any host is touched, with why', () => {
    const refused = (f: () => unknown, re: RegExp, where: string) =>
      assert.throws(f, (e: unknown) => e instanceof ConfigError && re.test(e.message) && e.message.includes(where));
    // A control-plane host that is not a node: no runtime, no kubelet to run its pods.
    const noKubelet = { ...SMALL, groups: { ...SMALL.groups, k8s: { children: ['workers'] } } };
    refused(
      () => forHost(apiserver, 'master-1', { inv: inv({ control_plane_mode: 'static-pods', control_plane_images: IMAGES }, noKubelet) }),
      /master-1 is not in the nodes group "k8s", so no container runtime or kubelet would run there/,
      'vars.control_plane_mode',
    );
    refused(
      () => forHost(apiserver, 'master-1', { inv: inv({ control_plane_mode: 'staticpods' }) }),
      /Did you mean "static-pods"\?/,
      'vars.control_plane_mode',
    );
    // No digest for the table's release: an image is never named by tag alone.
    refused(
      () => forHost(apiserver, 'master-1', { inv: inv({ control_plane_mode: 'static-pods' }) }),
      /the image table has no digest for registry\.k8s\.io\/kube-apiserver:v1\.34\.7/,
      'vars.control_plane_images.kube-apiserver.digest',
    );
    refused(
      () => forHost(apiserver, 'master-1', { inv: inv({ control_plane_images: { 'kube-apiserver': { digest: 'abc' } } }) }),
      /sha256:/,
      'vars.control_plane_images',
    );
    // Cluster-wide: a group value would be ignored.
    refused(
      () =>
        forHost(apiserver, 'master-1', {
          inv: inv({}, { ...SMALL, groups: { ...SMALL.groups, masters: { hosts: ['master-1'], vars: { control_plane_mode: 'static-pods' } } } }),
        }),
      /control_plane_mode is cluster-wide/,
      'vars.control_plane_mode',
    );
  });

  it('the image table: the release tag, the digest from the table, a changed tag needs its digest', () => {
    assert.equal(
      resolveImage({
        component: 'kube-scheduler',
        arch: 'amd64',
        artifacts: { kubernetes: { version: '1.34.1', sha512: 'a'.repeat(128) } },
        override: undefined,
      }).ref,
      'registry.k8s.io/kube-scheduler:v1.34.1@sha256:6e9fbc4e25a576483e6a233976353a66e4d77eb5d0530e9118e94b7d46fb3500',
    );
    assert.throws(() => resolveImage({ component: 'kube-scheduler', arch: 'amd64', artifacts: {}, override: { tag: 'v1.34.1' } }), /needs its digest/);
  });
});
