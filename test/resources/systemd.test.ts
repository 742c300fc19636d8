import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { reload, restart, service, unit } from '../../lib/resources/index.js';
import { changedIds, changesById, converge, FakeHost, FakeMisuse } from '../../lib/testing/index.js';

const UNIT = '[Unit]\nDescription=etcd\n[Service]\nExecStart=/usr/local/bin/etcd\n[Install]\nWantedBy=multi-user.target\n';

describe('unit and service', () => {
  it('fresh host: unit file + daemon-reload, enable + start; then converged', async () => {
    const h = FakeHost.debian();
    const { first, applied, second } = await converge(h, [unit({ name: 'etcd', content: UNIT }), service({ name: 'etcd', enabled: true })]);
    assert.deepEqual(changesById(first), {
      'unit:etcd.service': [
        { field: 'state', before: 'absent', after: 'file' },
        { field: 'content', diff: { before: '', after: UNIT } },
        { field: 'mode', after: '0644' },
      ],
      'service:etcd.service': [
        { field: 'enabled', before: 'not-found', after: 'enabled' },
        { field: 'state', before: 'not-found', after: 'started' },
      ],
    });
    assert.deepEqual(first.planned[1]?.dependsOn, ['unit:etcd.service']);
    assert.equal(applied.failure, undefined);
    assert.deepEqual(
      h.log.filter((a) => a.a === 'systemctl'),
      [
        { a: 'systemctl', verb: 'daemon-reload' },
        { a: 'systemctl', verb: 'enable', unit: 'etcd.service' },
        { a: 'systemctl', verb: 'start', unit: 'etcd.service' },
      ],
    );
    assert.deepEqual(h.service('etcd.service'), { enabled: true, active: true });
    assert.deepEqual(changedIds(second), []);
  });

  it('an unchanged unit does not daemon-reload', async () => {
    const h = FakeHost.debian().seedUnit('etcd.service', UNIT, { enabled: true, active: true });
    const { first } = await converge(h, [unit({ name: 'etcd.service', content: UNIT }), service({ name: 'etcd', enabled: true })]);
    assert.deepEqual(changedIds(first), []);
    assert.deepEqual(h.log, []);
  });

  it('a mode-only drift of a unit file is fixed without a daemon-reload', async () => {
    const h = FakeHost.debian().seedUnit('etcd.service', UNIT);
    h.fs.setAttrs('/etc/systemd/system/etcd.service', { mode: 0o600 });
    await converge(h, [unit({ name: 'etcd', content: UNIT })]);
    assert.deepEqual(h.log, [{ a: 'attrs', path: '/etc/systemd/system/etcd.service', mode: 0o644 }]);
  });

  it('handler helpers', () => {
    assert.deepEqual(restart('etcd'), [{ a: 'systemctl', verb: 'restart', unit: 'etcd.service' }]);
    assert.deepEqual(reload('haproxy.service'), [{ a: 'systemctl', verb: 'reload', unit: 'haproxy.service' }]);
  });

  it('a changed unit reloads; a restart handler then runs the new definition', async () => {
    const h = FakeHost.debian().seedUnit('etcd.service', UNIT, { enabled: true, active: true });
    const changed = UNIT.replace('etcd\n[Install]', 'etcd --debug\n[Install]');
    const { first } = await converge(h, [unit({ name: 'etcd', content: changed, notify: 'restart etcd' })]);
    assert.deepEqual(first.planned[0]?.resource.notify, ['restart etcd']);
    assert.deepEqual(await h.act([restart('etcd')]), { ok: true });
  });

  it('the fake rejects a restart of a unit edited without daemon-reload', async () => {
    const h = FakeHost.debian().seedUnit('etcd.service', UNIT, { active: true });
    h.fs.write('/etc/systemd/system/etcd.service', Buffer.from(`${UNIT}# edited\n`));
    await assert.rejects(h.act([restart('etcd')]), (e: Error) => e instanceof FakeMisuse && /changed since the last daemon-reload/.test(e.message));
  });

  it('stopped and disabled', async () => {
    const h = FakeHost.debian().seedUnit('nginx.service', UNIT, { enabled: true, active: true });
    const { first, second } = await converge(h, [service({ name: 'nginx', enabled: false, state: 'stopped' })]);
    assert.deepEqual(changesById(first), {
      'service:nginx.service': [
        { field: 'enabled', before: 'enabled', after: 'disabled' },
        { field: 'state', before: 'active', after: 'stopped' },
      ],
    });
    assert.deepEqual(h.service('nginx.service'), { enabled: false, active: false });
    assert.deepEqual(changedIds(second), []);
  });

  it('starting a unit that does not exist fails like systemctl', async () => {
    const { applied } = await converge(FakeHost.debian(), [service({ name: 'ghost' })]);
    assert.match(applied.failure?.stderr ?? '', /Unit ghost.service not found/);
  });

  it('refuses unit content with a bare CR or a NUL, naming the line: systemd reads them as a line break and the end (#16)', () => {
    assert.throws(
      () => unit({ name: 'web', content: '[Unit]\nDescription=x\r[Service]\rExecStartPre=+/bin/touch /tmp/pwned\n' }),
      /unit web.service: line 2 holds a CR \(carriage return\), which systemd reads as a line break/,
    );
    assert.throws(() => unit({ name: 'web', content: '[Unit]\n\0' }), /line 2 holds a NUL, which systemd reads as the end of the file/);
    assert.doesNotThrow(() => unit({ name: 'web', content: '[Unit]\r\nDescription=x\r\n' }));
  });

  it('refuses a unit name systemd cannot hold', () => {
    assert.throws(() => unit({ name: 'a'.repeat(248), content: UNIT }), /invalid systemd unit name/);
    assert.throws(() => service({ name: 'a b' }), /invalid systemd unit name "a b"/);
  });

  it('a host without systemd fails the check clearly', async () => {
    const h = new FakeHost('old', { ...FakeHost.debian().facts, init: 'other' });
    const { first } = await converge(h, [service({ name: 'x' })]);
    assert.match(first.planned[0]?.error ?? '', /does not run systemd/);
  });
});
