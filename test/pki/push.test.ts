/** pkiFiles: the PKI made once per run on the controller, each host's share pushed as whole files. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { plan } from '../../lib/runner/pass.js';
import { changedIds, changesById, converge, FakeHost, prepareContext } from '../../lib/testing/index.js';
import { pkiFiles, renewRequested } from '../../roles/pki/push.js';
import { hostOf, inventory, SMALL } from '../roles/helpers.js';
import { snapshot, tempDir } from './helpers.js';

const withDir = (dir: string, vars: Record<string, unknown> = {}) => inventory({ ...SMALL, vars: { ...SMALL.vars, pki_dir: dir, ...vars } });

describe('roles/pki: pkiFiles', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('apply issues the PKI once per run and pushes each host its share; a second run changes nothing', async () => {
    const inv = withDir(t.dir);
    const ctx = prepareContext('apply');
    const master = FakeHost.debian('master-1');
    const worker = FakeHost.debian('worker-1');
    const m = await converge(master, pkiFiles(inv.cluster, hostOf(inv, 'master-1')), ctx);
    const w = await converge(worker, pkiFiles(inv.cluster, hostOf(inv, 'worker-1')), ctx);
    assert.equal(ctx.notes.length, 1, 'one PKI step per run');
    assert.match(ctx.notes[0]!, /^pki: [\s\S]*0 reused, \d+ issued, 0 errors$/);
    assert.deepEqual([changedIds(m.second), changedIds(w.second)], [[], []]);
    assert.equal(master.read('/etc/kubernetes/pki/etcd/server.crt'), readFileSync(join(t.dir, 'etcd/master-1-server.crt'), 'utf8'));
    assert.equal(master.fs.get('/etc/kubernetes/pki/ca.key')?.mode, 0o600);
    assert.equal(worker.read('/etc/kubernetes/pki/ca.key'), undefined, 'a worker never gets the CA key');
    assert.ok(worker.read('/etc/kubernetes/kubelet.conf')!.includes('system:node:worker-1'));
    const again = prepareContext('apply');
    const rerun = pkiFiles(inv.cluster, hostOf(inv, 'worker-1'));
    for (const r of rerun) await r.prepare?.(again);
    assert.deepEqual(changedIds(await plan(worker, rerun)), []);
    assert.match(again.notes[0]!, /\d+ reused, 0 issued/);
  });

  it('check mode issues nothing and shows which files are still to be issued, never their content', async () => {
    const inv = withDir(join(t.dir, 'pki'));
    const ctx = prepareContext('check');
    const resources = pkiFiles(inv.cluster, hostOf(inv, 'worker-1'));
    for (const r of resources) await r.prepare?.(ctx);
    assert.equal(existsSync(join(t.dir, 'pki')), false, 'the pki directory is not even created');
    const changes = changesById(await plan(FakeHost.debian('worker-1'), resources));
    assert.deepEqual(changes['file:/etc/kubernetes/pki/kubelet.key'], [
      { field: 'state', before: 'absent', after: 'file' },
      { field: 'content', after: '(issued by the PKI step: kubelets/worker-1.key)' },
    ]);
    assert.match(ctx.notes[0]!, /would-issue kubelet:worker-1 \(missing\)/);
  });

  it('a changed apiserver SAN makes only the apiserver files pending in check mode', async () => {
    const host = FakeHost.debian('master-1');
    await converge(host, pkiFiles(withDir(t.dir).cluster, hostOf(withDir(t.dir), 'master-1')));
    const inv = withDir(t.dir, { apiserver_extra_sans: ['api.example.com'] });
    const ctx = prepareContext('check');
    const resources = pkiFiles(inv.cluster, hostOf(inv, 'master-1'));
    for (const r of resources) await r.prepare?.(ctx);
    assert.deepEqual(changedIds(await plan(host, resources)), ['file:/etc/kubernetes/pki/apiserver.crt', 'file:/etc/kubernetes/pki/apiserver.key']);
    assert.match(ctx.notes[0]!, /would-issue apiserver \(SANs differ/);
  });

  it('a host holding another CA (the controller lost its pki directory) is refused, not rewritten', async () => {
    const host = FakeHost.debian('worker-1');
    await converge(host, pkiFiles(withDir(t.dir).cluster, hostOf(withDir(t.dir), 'worker-1')));
    const elsewhere = tempDir();
    try {
      const inv = withDir(elsewhere.dir);
      const { first } = await converge(host, pkiFiles(inv.cluster, hostOf(inv, 'worker-1')));
      const refused = first.planned.find((x) => x.resource.id === 'file:/etc/kubernetes/pki/ca.crt')!;
      assert.match(
        refused.error!,
        /on the host differs: it holds another CA than .*ca\.crt\. This controller's pki directory is not the one the cluster was built with/,
      );
      assert.equal(host.read('/etc/kubernetes/pki/ca.crt'), readFileSync(join(t.dir, 'ca.crt'), 'utf8'));
    } finally {
      elsewhere.cleanup();
    }
  });

  it('TSPLAY_PKI_RENEW re-issues what it names, for that run only; a misspelt id is refused with a suggestion', async () => {
    const inv = withDir(t.dir);
    const host = FakeHost.debian('worker-1');
    await converge(host, pkiFiles(inv.cluster, hostOf(inv, 'worker-1')));
    const before = host.read('/etc/kubernetes/pki/kubelet.crt');
    assert.deepEqual(renewRequested({ TSPLAY_PKI_RENEW: ' kubelet:worker-1, kube-proxy ' }), { renew: ['kubelet:worker-1', 'kube-proxy'] });
    assert.deepEqual(renewRequested({}), {});
    process.env.TSPLAY_PKI_RENEW = 'kubelet:worker-1';
    try {
      const ctx = prepareContext('apply');
      const { first } = await converge(host, pkiFiles(inv.cluster, hostOf(inv, 'worker-1')), ctx);
      assert.match(ctx.notes[0]!, /issued\s+kubelet:worker-1 \(renew requested\)/);
      assert.ok(changedIds(first).includes('file:/etc/kubernetes/pki/kubelet.crt'));
      assert.notEqual(host.read('/etc/kubernetes/pki/kubelet.crt'), before);
      process.env.TSPLAY_PKI_RENEW = 'kublet:worker-1';
      await assert.rejects(
        Promise.all(pkiFiles(inv.cluster, hostOf(inv, 'worker-1')).map((r) => r.prepare?.(prepareContext('check')))),
        /unknown PKI item "kublet:worker-1"\. Did you mean "kubelet:worker-1"/,
      );
    } finally {
      delete process.env.TSPLAY_PKI_RENEW;
    }
  });

  it('a corrupt key in the pki directory stops the run and is left as it was', async () => {
    const inv = withDir(t.dir);
    await converge(FakeHost.debian('worker-1'), pkiFiles(inv.cluster, hostOf(inv, 'worker-1')));
    writeFileSync(join(t.dir, 'kubelets/worker-1.key'), 'garbage\n');
    const before = snapshot(t.dir);
    const resources = pkiFiles(inv.cluster, hostOf(inv, 'worker-1'));
    await assert.rejects(Promise.all(resources.map((r) => r.prepare?.(prepareContext('apply')))), /PKI needs a decision[\s\S]*kubelet:worker-1/);
    assert.deepEqual(snapshot(t.dir), before);
  });
});
