/** smoke: read-only assertions; a failing one fails the host with what the command printed. */
import assert from 'node:assert/strict';
import { plan } from '../../lib/runner/pass.js';
import { FakeHost } from '../../lib/testing/index.js';
import smoke from '../../roles/smoke/index.js';
import { forHost, inventory, SMALL } from './helpers.js';

const at = (host: FakeHost, overrides: Record<string, unknown> = {}) => plan(host, forHost(smoke, 'master-1', { inv: inventory(SMALL), overrides }).resources);

describe('roles/smoke', () => {
  for (const kind of ['debian', 'rhel'] as const)
    it(`${kind}: passes without changing anything when the API answers and every node is Ready`, async () => {
      const h = (kind === 'debian' ? FakeHost.debian('master-1') : FakeHost.rhel('master-1'))
        .script(/get --raw=\/healthz/, { stdout: 'ok' })
        .script(/version -o json/, { exitCode: 0 })
        .script(/get nodes/, { exitCode: 0 });
      const p = await at(h);
      assert.deepEqual(
        p.planned.map((x) => [x.resource.id, x.changes.length, x.error]),
        [
          ['assert:API /healthz through https://10.0.0.10:6443', 0, undefined],
          ['assert:API serves its version', 0, undefined],
          ['assert:2 node(s) registered and Ready', 0, undefined],
        ],
      );
      assert.deepEqual(h.log, []);
      const ready = h.commands.find((c) => c.includes('Ready'))!;
      assert.match(ready, /\[ "\$ready" -ge 2 \]/);
      // No way out: a cluster whose API serves no nodes fails the check, it is not skipped.
      assert.doesNotMatch(ready, /exit 0/);
    });

  it('smoke_nodes_ready: false (the stand-ins) leaves the node check out, and only that', async () => {
    const h = FakeHost.debian('master-1')
      .script(/get --raw=\/healthz/, { stdout: 'ok' })
      .script(/version -o json/, { exitCode: 0 });
    const p = await at(h, { smoke_nodes_ready: false });
    assert.deepEqual(
      p.planned.map((x) => [x.resource.id, x.error]),
      [
        ['assert:API /healthz through https://10.0.0.10:6443', undefined],
        ['assert:API serves its version', undefined],
      ],
    );
    // The release's kubectl, which the apiserver role installs.
    assert.ok(
      h.commands.every((c) => c.includes('/usr/local/bin/kubectl ') && !c.includes('/usr/bin/kubectl')),
      h.commands.join('\n'),
    );
  });

  it('a failing check fails the host, saying what the command printed', async () => {
    const h = FakeHost.debian('master-1')
      .script(/get --raw=\/healthz/, { exitCode: 1, stdout: 'Unable to connect to the server: dial tcp 10.0.0.10:6443: connect: no route to host' })
      .script(/version -o json/, {})
      .script(/get nodes/, {});
    const p = await at(h);
    assert.match(
      p.planned[0]!.error!,
      /^API \/healthz through https:\/\/10\.0\.0\.10:6443: failed \(exit 1\): Unable to connect to the server: dial tcp 10\.0\.0\.10:6443/,
    );
  });

  it('bad vars name the field', () => {
    assert.throws(() => forHost(smoke, 'master-1', { overrides: { smoke_kubectl: 'kubectl; rm -rf /' } }), /var smoke_kubectl: expected an absolute path/);
    assert.throws(() => forHost(smoke, 'master-1', { overrides: { smoke_kubeconfig: '/etc/a$(id)' } }), /var smoke_kubeconfig: expected an absolute path/);
  });
});
