/**
 * The kubelet stand-in's static pods, run for real on this machine (python3) with the config the kubelet
 * role writes on a control-plane host in static-pods mode, and fakes of what the host provides on PATH:
 * `ctr` answering from a packed stand-in image (test/fixtures/standins/oci-image.ts), `systemd-run` and
 * `systemctl` keeping each "container" as a background process. What it must do is upstream's file source
 * (pkg/kubelet/config/file.go, common.go): dot-files and subdirectories skipped, a file that is not a valid
 * Pod logged and skipped while the others run, the pod's command run from its image, a removed manifest's
 * pod stopped; and the stand-in's own limit: no hostNetwork, no run. The verdicts are read from
 * <root-dir>/tsplay-standin/static-pods.json and the log.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'mocha';
import { parse, stringify } from 'yaml';
import { converge, FakeHost } from '../../lib/testing/index.js';
import kubelet from '../../roles/kubelet/index.js';
import { packImage, type PackedImage } from '../fixtures/standins/oci-image.js';
import { packStandins, standinScript } from '../fixtures/standins/pack.js';
import { tempDir } from '../pki/helpers.js';
import { forHost, inventory, SMALL } from './helpers.js';

const DIGESTS = {
  'kube-apiserver': { digest: `sha256:${'1'.repeat(64)}` },
  'kube-controller-manager': { digest: `sha256:${'2'.repeat(64)}` },
  'kube-scheduler': { digest: `sha256:${'3'.repeat(64)}` },
};

describe('kubelet stand-in: static pods as upstream reads them', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup(): void };
  let image: PackedImage;
  let sock: Server;
  let proc: ChildProcess | undefined;
  let stderr = '';
  const d = (...p: string[]) => join(tmp.dir, ...p);
  const manifests = () => d('manifests');
  const status = (): Record<string, { state: string; reason?: string; unit?: string }> => {
    try {
      return JSON.parse(readFileSync(d('root', 'tsplay-standin', 'static-pods.json'), 'utf8'));
    } catch {
      return {};
    }
  };
  const until = async <T>(what: string, f: () => T | undefined | false, ms = 10000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const v = f();
      if (v !== undefined && v !== false) return v as T;
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms; status ${JSON.stringify(status())}; log:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const pod = (o: { name?: string; image?: string; hostNetwork?: boolean; out?: string } = {}) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: o.name ?? 'kube-scheduler', namespace: 'kube-system' },
      spec: {
        ...(o.hostNetwork === false ? {} : { hostNetwork: true }),
        containers: [{ name: 'kube-scheduler', image: o.image ?? image.ref, command: ['kube-scheduler', `--out=${o.out ?? d('ran')}`, '--v=2'] }],
      },
    });

  before(async () => {
    tmp = tempDir();
    process.env['TSPLAY_CACHE'] = d('cache');
    const packed = packStandins(d('standins'));
    const spec = {
      ...SMALL,
      vars: { ...SMALL.vars, pki_dir: d('pki'), k8s_artifacts: packed.overrides, control_plane_mode: 'static-pods', control_plane_images: DIGESTS },
    };
    const h = FakeHost.debian('master-1');
    await converge(h, forHost(kubelet, 'master-1', { inv: inventory(spec) }).resources);
    delete process.env['TSPLAY_CACHE'];
    for (const sub of ['bin', 'net.d', 'fakebin', 'etc/pki', 'manifests', 'units', 'root']) mkdirSync(d(sub), { recursive: true });
    for (const f of ['pki/ca.crt', 'pki/kubelet.crt', 'pki/kubelet.key', 'kubelet.conf']) writeFileSync(d('etc', f), h.read(`/etc/kubernetes/${f}`)!);
    const cfg = parse(h.read('/var/lib/kubelet/config.yaml')!);
    assert.equal(cfg.staticPodPath, '/etc/kubernetes/manifests', 'the role sets staticPodPath on a control-plane host');
    sock = await new Promise<Server>((ok) => {
      const srv = createServer();
      srv.listen(d('containerd.sock'), () => ok(srv));
    });
    cfg.authentication.x509.clientCAFile = d('etc', 'pki', 'ca.crt');
    Object.assign(cfg, {
      tlsCertFile: d('etc', 'pki', 'kubelet.crt'),
      tlsPrivateKeyFile: d('etc', 'pki', 'kubelet.key'),
      containerRuntimeEndpoint: `unix://${d('containerd.sock')}`,
      healthzPort: 0,
      staticPodPath: manifests(),
    });
    writeFileSync(d('etc', 'config.yaml'), stringify(cfg));
    const dump = readFileSync(fileURLToPath(new URL('../fixtures/containerd/config-dump-1.6.20.toml', import.meta.url)), 'utf8')
      .replace('bin_dir = "/opt/cni/bin"', `bin_dir = "${d('bin')}"`)
      .replace('conf_dir = "/etc/cni/net.d"', `conf_dir = "${d('net.d')}"`);
    writeFileSync(d('dump.toml'), dump);
    // The "component" in the image: records its arguments, then runs until stopped.
    const component = `#!/usr/bin/env python3\nimport sys, time\nout = [a for a in sys.argv if a.startswith('--out=')][0][6:]\nopen(out, 'w').write(' '.join(sys.argv[1:]))\nwhile True: time.sleep(1)\n`;
    image = packImage({ dir: d('images'), repository: 'registry.k8s.io/kube-scheduler', tag: 'v1.34.7', files: { 'usr/local/bin/kube-scheduler': component } });
    writeFileSync(d('images.txt'), `${image.repository}:${image.tag} application/vnd.oci.image.manifest.v1+json ${image.digest} 1.2 KiB linux/amd64 -\n`);
    const fake = (name: string, body: string) => {
      writeFileSync(d('fakebin', name), `#!/bin/sh\n${body}\n`);
      chmodSync(d('fakebin', name), 0o755);
    };
    fake('containerd', `[ "$1 $2" = "config dump" ] && exec cat ${d('dump.toml')}\nexit 2`);
    fake(
      'ctr',
      `[ "$1" = "-n" ] && shift 2\ncase "$1 $2" in\n"images ls") echo "REF TYPE DIGEST SIZE PLATFORMS LABELS"; cat ${d('images.txt')};;\n"content get") exec cat "${image.blobs}/\${3#sha256:}";;\n*) exit 2;;\nesac`,
    );
    fake(
      'systemd-run',
      `unit=; while [ "$1" != "--" ]; do case "$1" in --unit=*) unit=\${1#--unit=};; esac; shift; done; shift\nnohup "$@" >/dev/null 2>&1 &\necho $! > ${d('units')}/$unit`,
    );
    fake(
      'systemctl',
      `case "$1" in\nlist-units) for f in ${d('units')}/*; do [ -f "$f" ] || continue; u=$(basename "$f"); if kill -0 $(cat "$f") 2>/dev/null; then echo "$u loaded active running x"; fi; done;;\nstop) kill $(cat ${d('units')}/$2) 2>/dev/null; rm -f ${d('units')}/$2;;\nreset-failed) ;;\n*) exit 1;;\nesac`,
    );
    const script = d('kubelet');
    writeFileSync(script, standinScript('kubelet'), { mode: 0o755 });
    proc = spawn(
      'python3',
      [script, `--config=${d('etc', 'config.yaml')}`, `--kubeconfig=${d('etc', 'kubelet.conf')}`, '--hostname-override=master-1', `--root-dir=${d('root')}`],
      { env: { ...process.env, PATH: `${d('fakebin')}:${process.env['PATH']}` }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  });
  after(() => {
    proc?.kill('SIGKILL');
    // The "containers" the fake systemd-run left running.
    for (const pid of livePids(d('units'))) process.kill(pid);
    sock?.close();
    tmp.cleanup();
  });

  it('runs a valid static pod from its image with the manifest command, and stops it when the manifest goes', async () => {
    writeFileSync(join(manifests(), 'kube-scheduler.yaml'), pod());
    const s = await until('running', () => (status()[join(manifests(), 'kube-scheduler.yaml')]?.state === 'running' ? status() : undefined));
    assert.match(s[join(manifests(), 'kube-scheduler.yaml')]!.unit!, /^tsplay-pod-kube-scheduler-master-1-[0-9a-f]{10}\.service$/);
    assert.equal(await until('the component ran', () => (existsSync(d('ran')) ? readFileSync(d('ran'), 'utf8') : undefined)), `--out=${d('ran')} --v=2`);
    rmSync(join(manifests(), 'kube-scheduler.yaml'));
    await until('stopped', () => !status()[join(manifests(), 'kube-scheduler.yaml')] && livePids(d('units')).length === 0);
    assert.match(stderr, /"Killing static pod" unit="tsplay-pod-kube-scheduler-master-1-/);
  });

  it('refuses what upstream refuses, each file on its own: not a Pod, no containers, no image, a bad name; skips dot-files and subdirectories', async () => {
    const files: Record<string, string> = {
      'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n',
      'nokind.yaml': 'metadata:\n  name: x\n',
      'empty.yaml': stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'empty' }, spec: {} }),
      'noimage.yaml': stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'noimage' }, spec: { hostNetwork: true, containers: [{ name: 'c' }] } }),
      'badname.yaml': pod({ name: 'Kube_Scheduler', out: d('bad') }),
      'broken.yaml': 'apiVersion: v1\nkind: Pod\n  metadata: [\n',
      'good.yaml': pod({ name: 'good', out: d('good') }),
    };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(manifests(), f), text);
    writeFileSync(join(manifests(), '.hidden.yaml'), pod({ name: 'hidden', out: d('hidden') }));
    mkdirSync(join(manifests(), 'sub'), { recursive: true });
    writeFileSync(join(manifests(), 'sub', 'p.yaml'), pod({ name: 'sub', out: d('sub') }));
    const s = await until('all judged', () => (Object.keys(status()).length === Object.keys(files).length ? status() : undefined));
    const at = (f: string) => s[join(manifests(), f)]!;
    assert.equal(at('good.yaml').state, 'running', 'a bad file does not stop the others');
    assert.match(at('deploy.yaml').reason!, /couldn't parse as pod\(invalid pod: apps\/v1\/Deployment is not a v1 Pod\)/);
    assert.match(at('nokind.yaml').reason!, /Object 'Kind' is missing/);
    assert.match(at('empty.yaml').reason!, /invalid pod: \[spec\.containers: Required value\]/);
    assert.match(at('noimage.yaml').reason!, /spec\.containers\[0\]\.image: Required value/);
    assert.match(at('badname.yaml').reason!, /metadata\.name: Invalid value: "Kube_Scheduler-master-1": a lowercase RFC 1123 subdomain/);
    assert.match(at('broken.yaml').reason!, /couldn't parse as pod\(yaml:/);
    for (const f of ['deploy.yaml', 'empty.yaml', 'noimage.yaml', 'badname.yaml', 'broken.yaml']) assert.equal(at(f).state, 'refused', f);
    assert.equal(s[join(manifests(), '.hidden.yaml')], undefined, 'dot-files are not read (file.go globs [^.]*)');
    assert.match(stderr, /"Not recursing into manifest path" path="[^"]*\/manifests\/sub"/);
    assert.match(stderr, /"Could not process manifest file" err="invalid pod: \[spec\.containers: Required value\]" path="[^"]*\/empty\.yaml"/);
    assert.ok(!existsSync(d('hidden')) && !existsSync(d('sub')) && !existsSync(d('bad')));
    for (const f of [...Object.keys(files), '.hidden.yaml']) rmSync(join(manifests(), f));
    rmSync(join(manifests(), 'sub'), { recursive: true });
  });

  it('refuses a pod without hostNetwork (it would need the pod network) and one whose image containerd does not hold', async () => {
    writeFileSync(join(manifests(), 'net.yaml'), pod({ name: 'net', hostNetwork: false, out: d('net') }));
    writeFileSync(
      join(manifests(), 'pull.yaml'),
      pod({ name: 'pull', image: `registry.k8s.io/kube-scheduler:v1.34.7@sha256:${'9'.repeat(64)}`, out: d('pull') }),
    );
    const s = await until('judged', () => (status()[join(manifests(), 'net.yaml')] && status()[join(manifests(), 'pull.yaml')] ? status() : undefined));
    assert.equal(s[join(manifests(), 'net.yaml')]!.state, 'refused');
    assert.match(s[join(manifests(), 'net.yaml')]!.reason!, /without hostNetwork needs the pod network/);
    assert.equal(s[join(manifests(), 'pull.yaml')]!.state, 'ErrImagePull');
    assert.match(s[join(manifests(), 'pull.yaml')]!.reason!, /the stand-in pulls nothing, so the image must be in containerd \(ctr -n k8s\.io images import\)/);
    assert.ok(!existsSync(d('net')) && !existsSync(d('pull')));
  });
});

/** The pids of the fake systemd-run's running "containers". */
function livePids(dir: string): number[] {
  if (!existsSync(dir)) return [];
  const out: number[] = [];
  for (const f of readdirSync(dir)) {
    const pid = Number(readFileSync(join(dir, f), 'utf8').trim());
    try {
      process.kill(pid, 0);
      out.push(pid);
    } catch {}
  }
  return out;
}
