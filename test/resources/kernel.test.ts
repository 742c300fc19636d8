import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { kernelModule, sysctl } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost } from '../../lib/testing/index.js';

describe('sysctl', () => {
  it('fresh host: runtime value and persisted line, then converged', async () => {
    const h = FakeHost.debian();
    const { first, second } = await converge(h, [sysctl({ key: 'net.ipv4.ip_forward', value: 1 })]);
    const file = '/etc/sysctl.d/90-tsplay-net.ipv4.ip_forward.conf';
    assert.deepEqual(changesById(first), {
      'sysctl:net.ipv4.ip_forward': [
        { field: 'value', before: '0', after: '1' },
        { part: file, field: 'content', diff: { before: '', after: 'net.ipv4.ip_forward = 1\n' } },
      ],
    });
    assert.equal(h.sysctls.get('net.ipv4.ip_forward'), '1');
    assert.equal(h.read(file), 'net.ipv4.ip_forward = 1\n');
    assert.deepEqual(changedIds(second), []);
  });

  it('only the runtime value drifted: no file write', async () => {
    const h = FakeHost.debian().seedFile('/etc/sysctl.d/k8s.conf', '# k8s\nnet.ipv4.ip_forward = 1\n');
    const { first } = await converge(h, [sysctl({ key: 'net.ipv4.ip_forward', value: '1', file: '/etc/sysctl.d/k8s.conf' })]);
    assert.deepEqual(changesById(first)['sysctl:net.ipv4.ip_forward'], [{ field: 'value', before: '0', after: '1' }]);
    assert.deepEqual(h.log, [{ a: 'sysctl', key: 'net.ipv4.ip_forward', value: '1' }]);
  });

  it('a shared file keeps its other keys; multi-value whitespace is normalised', async () => {
    const h = FakeHost.debian().seedFile('/etc/sysctl.d/k8s.conf', 'a.b = 1\nnet.ipv4.ip_local_port_range=1 2\n');
    h.sysctls.set('net.ipv4.ip_local_port_range', '1024\t65000');
    const r = sysctl({ key: 'net.ipv4.ip_local_port_range', value: '1024  65000', file: '/etc/sysctl.d/k8s.conf' });
    const { first, second } = await converge(h, [r]);
    assert.deepEqual(changesById(first)[r.id], [
      {
        part: '/etc/sysctl.d/k8s.conf',
        field: 'content',
        diff: { before: 'a.b = 1\nnet.ipv4.ip_local_port_range=1 2\n', after: 'a.b = 1\nnet.ipv4.ip_local_port_range = 1024 65000\n' },
      },
    ]);
    assert.deepEqual(changedIds(second), []);
  });

  it('net.bridge keys depend on br_netfilter, which creates them on load', async () => {
    const h = FakeHost.debian();
    const mod = kernelModule({ name: 'br_netfilter' });
    const s = sysctl({ key: 'net.bridge.bridge-nf-call-iptables', value: 1 });
    const { first, applied, second } = await converge(h, [mod, s]);
    assert.deepEqual(first.planned[1]?.dependsOn, ['module:br_netfilter']);
    assert.deepEqual(first.planned[1]?.changes[0], { field: 'value', before: '(absent)', after: '1' });
    assert.equal(applied.failure, undefined);
    assert.deepEqual(changedIds(second), []);
  });

  it('writing a key the kernel lacks fails like the real /proc/sys', async () => {
    const { applied } = await converge(FakeHost.debian(), [sysctl({ key: 'net.bridge.bridge-nf-call-iptables', value: 1 })]);
    assert.match(applied.failure?.stderr ?? '', /cannot create \/proc\/sys\/net\/bridge/);
  });

  it('rejects a malformed key', () => assert.throws(() => sysctl({ key: 'a b', value: 1 }), /invalid key/));

  it('refuses keys that leave /proc/sys or leave the kernel key alphabet, naming the key (#16)', () => {
    for (const key of [
      'net/../../../tmp/sysctl-escape',
      '/net/ipv4/ip_forward',
      'net..ipv4',
      'net.ipv4.',
      'net/ipv4//x',
      'net/./ipv4',
      '-net.ipv4',
      'net.ipv4.ip_forward;x',
      'net.ipv4.*',
      `net.${'a'.repeat(200)}`,
    ]) {
      assert.throws(
        () => sysctl({ key, value: 1 }),
        (e: Error) => e.message.startsWith(`sysctl: invalid key ${JSON.stringify(key.slice(0, 80)).slice(0, -1)}`),
        key,
      );
    }
    assert.doesNotThrow(() => sysctl({ key: 'net/ipv4/conf/eth0.100/forwarding', value: 1 }));
  });

  it('refuses a value with a newline or another control character, and an empty one: they never converge (#16)', () => {
    assert.throws(
      () => sysctl({ key: 'net.core.somaxconn', value: '1025\nkernel.panic = 1' }),
      /sysctl "net.core.somaxconn": the value holds control character U\+000A/,
    );
    assert.throws(() => sysctl({ key: 'net.core.somaxconn', value: '1\r' }), /U\+000D/);
    assert.throws(() => sysctl({ key: 'net.core.somaxconn', value: '  ' }), /the value is empty/);
    assert.doesNotThrow(() => sysctl({ key: 'net.ipv4.ip_local_port_range', value: '1024\t65000' }));
  });

  it('a slash-form key is the dotted key on the fake host, as under /proc/sys; a key that leaves it is refused there too', async () => {
    const h = FakeHost.debian();
    const { first, second } = await converge(h, [sysctl({ key: 'net/ipv4/ip_forward', value: 1 })]);
    assert.deepEqual(first.planned[0]?.changes[0], { field: 'value', before: '0', after: '1' });
    assert.equal(h.sysctls.get('net.ipv4.ip_forward'), '1');
    assert.deepEqual(changedIds(second), []);
    await assert.rejects(h.act([[{ a: 'sysctl', key: 'net/../../../tmp/x', value: '1' }]]), /invalid key/);
  });
});

describe('kernelModule', () => {
  it('fresh host: modprobe and the modules-load.d file, then converged', async () => {
    const h = FakeHost.debian();
    const { first, second } = await converge(h, [kernelModule({ name: 'overlay' })]);
    assert.deepEqual(changesById(first), {
      'module:overlay': [
        { field: 'loaded', before: 'no', after: 'yes' },
        { part: '/etc/modules-load.d/overlay.conf', field: 'state', before: 'absent', after: 'file' },
        { part: '/etc/modules-load.d/overlay.conf', field: 'content', diff: { before: '', after: 'overlay\n' } },
        { part: '/etc/modules-load.d/overlay.conf', field: 'mode', after: '0644' },
      ],
    });
    assert.ok(h.modules.has('overlay'));
    assert.equal(h.read('/etc/modules-load.d/overlay.conf'), 'overlay\n');
    assert.deepEqual(changedIds(second), []);
  });

  it('loaded but not persisted: only the file', async () => {
    const h = FakeHost.debian();
    h.modules.add('overlay');
    await converge(h, [kernelModule({ name: 'overlay' })]);
    assert.deepEqual(
      h.log.map((a) => a.a),
      ['write'],
    );
  });
});
