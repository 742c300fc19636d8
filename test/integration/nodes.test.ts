/**
 * The node roles on lab-6 and lab-7 (the workers of inventory/lab-cluster.ts) through the real CLI:
 * runtime (the Debian containerd, runc and CNI plugins of the lab image), kubelet, kube-proxy and flannel
 * (Kubernetes server binaries and flanneld are the test stand-ins of test/fixtures/standins, via
 * test/fixtures/inventory/lab-standins.ts). From nothing installed it converges with every gate passing,
 * a second run changes nothing, check mode then has nothing to do, and the endpoints answer.
 *
 * Then docker on lab-7 (runtime role only): the Debian docker.io with the role's daemon.json, and
 * cri-dockerd from a release-shaped tarball whose binary is a stand-in made here (the real cri-dockerd
 * cannot be downloaded in the lab): it checks its flags and docker's socket and reports ready, so the
 * socket/service units, socket activation and the gate run for real. Afterwards docker is stopped again.
 *
 * The lab's hosts are nspawn containers on an overlay root: the lab runs the cgroupfs driver and
 * containerd's native snapshotter (docker: vfs), given as -e on the command line.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sum, tsplayJson } from '../e2e/cli.js';
import { onHost, requireLab } from './lab-hosts.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PLAYBOOK = 'playbooks/nodes.ts';
const HOSTS = ['lab-6', 'lab-7'];
const LAB = ['-e', 'cgroup_driver=cgroupfs', '-e', 'runtime_snapshotter=native'];
const UNITS = 'kubelet kube-proxy flanneld';

/** Back to "nothing installed" on a worker: services stopped and disabled, their files gone. */
const RESET = [
  `systemctl disable --now ${UNITS} cri-docker.socket cri-docker docker docker.socket containerd 2>/dev/null`,
  'rm -f /etc/systemd/system/{kubelet,kube-proxy,flanneld,cri-docker}.service /etc/systemd/system/cri-docker.socket',
  'rm -f /usr/local/bin/{kubelet,kube-proxy,flanneld,cri-dockerd} /etc/containerd/config.toml /etc/docker/daemon.json',
  'rm -rf /etc/kubernetes /var/lib/kubelet /var/lib/kube-proxy /etc/kube-flannel /etc/cni/net.d /run/flannel',
  'systemctl daemon-reload',
].join('; ');

/** A cri-dockerd stand-in (test fixture, not cri-dockerd): checks its flags and docker's socket, then reports ready. */
const CRI_DOCKERD = `#!/usr/bin/env python3
# cri-dockerd STAND-IN (tsplay test fixture): checks the flags the runtime role passes and that docker
# answers on its socket, then tells systemd it is ready and stays up on the socket systemd handed it.
import os, socket, sys, time
flags = dict(a[2:].split('=', 1) for a in sys.argv[1:] if a.startswith('--') and '=' in a)
def die(m):
    sys.stderr.write('cri-dockerd (tsplay stand-in): error: ' + m + '\\n'); sys.exit(1)
if flags.get('container-runtime-endpoint') != 'fd://': die('--container-runtime-endpoint must be fd:// (socket activation)')
if os.environ.get('LISTEN_FDS') != '1': die('no socket from systemd (LISTEN_FDS)')
if flags.get('network-plugin') != 'cni': die('--network-plugin must be cni')
for d in flags.get('cni-bin-dir', '').split(','):
    if not os.path.isfile(os.path.join(d, 'bridge')): die('--cni-bin-dir ' + d + ': no bridge plugin')
if not os.path.isdir(flags.get('cni-conf-dir', '/nonexistent')): die('--cni-conf-dir missing')
if not flags.get('pod-infra-container-image'): die('--pod-infra-container-image missing')
s = socket.socket(socket.AF_UNIX)
try: s.connect('/run/docker.sock')
except OSError as e: die('docker is not answering on /run/docker.sock: ' + str(e))
n = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); a = os.environ['NOTIFY_SOCKET']
n.connect('\\0' + a[1:] if a.startswith('@') else a); n.sendall(b'READY=1')
while True: time.sleep(3600)
`;

describe('integration: node roles (runtime, kubelet, kube-proxy, flannel) on lab-6 and lab-7 over SSH', function () {
  this.timeout(300000);
  let scratch: string;
  const savedTmp = process.env['TMPDIR'];
  before(async function () {
    await requireLab(this, 7);
    // The stand-ins are packed under TMPDIR when the inventory loads: our own, so parallel runs never share it.
    scratch = mkdtempSync(join(tmpdir(), 'tsplay-it-nodes-'));
    process.env['TMPDIR'] = scratch;
    await Promise.all(
      HOSTS.map(async (h) => {
        const r = await onHost(h, RESET);
        assert.equal(r.code, 0, `${h}: reset: ${r.out}`);
      }),
    );
  });
  after(async () => {
    if (savedTmp === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmp;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('converges with every gate passing, then a no-op, then check mode has nothing to do', async () => {
    const args = ['run', PLAYBOOK, '-i', 'test/fixtures/inventory/lab-standins.ts', ...LAB];
    const first = await tsplayJson(args);
    assert.equal(first.code, 0, `${first.stderr}\n${JSON.stringify(first.events.filter((e) => e.kind === 'gate' && e.status !== 'ok')).slice(0, 2000)}`);
    assert.deepEqual(Object.keys(first.hosts).sort(), HOSTS);
    for (const h of HOSTS) assert.ok(first.hosts[h]!.changed >= 25, `${h}: ${first.hosts[h]!.changed} changed`);
    const gates = first.events
      .filter((e) => e.kind === 'gate' && e.status === 'ok')
      .map((e) => `${e.host} ${e.gate}`)
      .sort();
    // The CNI gate: every plugin type of every conflist is an executable where containerd reads (its config dump).
    assert.deepEqual(
      gates,
      HOSTS.flatMap((h) =>
        [
          'CNI plugins where the runtime reads them',
          'container runtime answers',
          'flannel subnet.env in pod_cidr',
          'kube-proxy /healthz',
          'kubelet /healthz',
        ].map((g) => `${h} ${g}`),
      ),
    );
    console.log(`    first converge: ${first.ms} ms, ${sum(first, 'changed')} changed, ${gates.length} gates passed`);

    const second = await tsplayJson(args);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual([sum(second, 'changed'), sum(second, 'failed')], [0, 0]);
    // One round trip per role and host to read the state (gates run commands of their own, not counted here).
    assert.ok(sum(second, 'roundTrips') <= 4 * HOSTS.length, `${sum(second, 'roundTrips')} round trips`);
    console.log(`    no-op re-run: ${second.ms} ms, ${sum(second, 'roundTrips')} round trips`);

    const check = await tsplayJson([...args, '--check']);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(sum(check, 'changed'), 0);
    console.log(`    check mode: ${check.ms} ms, nothing to do`);
  });

  it('the running node: containerd with CRI, kubelet and kube-proxy healthz, flannel subnet from pod_cidr', async () => {
    const r = await onHost(
      'lab-6',
      [
        'ctr plugins ls | awk \'$2 == "cri" {print $NF}\'',
        'curl -s --max-time 3 http://127.0.0.1:10248/healthz; echo',
        "curl -s --max-time 3 -o /dev/null -w '%{http_code}' http://10.231.0.16:10256/healthz; echo",
        'grep FLANNEL_SUBNET /run/flannel/subnet.env',
        `systemctl is-active containerd ${UNITS} | tr '\\n' ' '`,
      ].join('; '),
    );
    const [cri, kubelet, proxy, subnet, active] = r.out.trim().split('\n');
    assert.deepEqual([cri, kubelet, proxy, active!.trim()], ['ok', 'ok', '200', 'active active active active']);
    assert.match(subnet!, /^FLANNEL_SUBNET=10\.244\.\d+\.1\/24$/);
  });

  it('docker on lab-7: daemon.json, docker answering with the cgroupfs driver, cri-dockerd (stand-in) socket-activated', async () => {
    const src = join(scratch, 'cri', 'cri-dockerd');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'cri-dockerd'), CRI_DOCKERD);
    chmodSync(join(src, 'cri-dockerd'), 0o755);
    const tgz = join(scratch, 'cri-dockerd-0.3.24.amd64.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', join(scratch, 'cri'), 'cri-dockerd']);
    // An inventory of our own: the lab cluster with the stand-in cri-dockerd added to the artifact overrides.
    const inv = join(scratch, 'inv');
    mkdirSync(inv);
    writeFileSync(join(inv, 'package.json'), '{"type":"module"}\n');
    const sha256 = createHash('sha256').update(readFileSync(tgz)).digest('hex');
    writeFileSync(
      join(inv, 'docker.ts'),
      [
        `import base from ${JSON.stringify(join(ROOT, 'test/fixtures/inventory/lab-standins.ts'))};`,
        `const over = { ...(base.vars.k8s_artifacts as object), 'cri-dockerd': { url: ${JSON.stringify(pathToFileURL(tgz).href)}, sha256: '${sha256}' } };`,
        'export default { ...base, vars: { ...base.vars, k8s_artifacts: over } };',
        '',
      ].join('\n'),
    );
    const args = [
      'run',
      PLAYBOOK,
      '-i',
      join(inv, 'docker.ts'),
      '--limit',
      'lab-7',
      '--tags',
      'runtime',
      ...LAB,
      '-e',
      'container_runtime=docker',
      '-e',
      'runtime_docker_storage_driver=vfs',
    ];
    try {
      const first = await tsplayJson(args);
      assert.equal(
        first.code,
        0,
        `${first.stderr}\n${JSON.stringify(first.events.filter((e) => e.kind === 'gate' || (e.kind === 'resource' && e.status === 'failed'))).slice(0, 3000)}`,
      );
      assert.ok(first.events.some((e) => e.kind === 'gate' && e.status === 'ok' && e.host === 'lab-7'));
      const again = await tsplayJson(args);
      assert.deepEqual([again.code, sum(again, 'changed')], [0, 0]);
      console.log(`    docker + cri-dockerd: converge ${first.ms} ms (${sum(first, 'changed')} changed), re-run ${again.ms} ms, 0 changed`);
      const r = await onHost(
        'lab-7',
        "docker info --format '{{.Driver}} {{.CgroupDriver}}'; test -S /run/cri-dockerd.sock && echo socket; systemctl is-active cri-docker.socket cri-docker | tr '\\n' ' '",
      );
      assert.deepEqual(
        r.out
          .trim()
          .split('\n')
          .map((l) => l.trim()),
        ['vfs cgroupfs', 'socket', 'active active'],
      );
    } finally {
      await onHost('lab-7', 'systemctl disable --now cri-docker.socket cri-docker docker docker.socket 2>/dev/null; rm -f /etc/docker/daemon.json; true');
    }
  });
});
