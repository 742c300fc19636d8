/** A restart is dropped only when this apply started the unit after every change that asked for it. */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { definePlaybook } from '../../lib/dsl/playbook.js';
import { defineRole } from '../../lib/dsl/role.js';
import { file, pkg, restart, service, unit } from '../../lib/resources/index.js';
import { FakeHost } from '../../lib/testing/index.js';
import { inventory, runWith } from './helpers.js';

const UNIT = '[Service]\nExecStart=/usr/bin/app\n';
const app = (withPackage: boolean) =>
  defineRole({
    name: 'app',
    defaults: {},
    resources: () => [
      ...(withPackage ? [pkg({ names: ['app'] })] : []),
      file({ path: '/etc/app.conf', content: 'v1', notify: 'restart app' }),
      unit({ name: 'app.service', content: UNIT, notify: 'restart app' }),
      service({ name: 'app', enabled: true, state: 'started' }),
    ],
    handlers: () => ({ 'restart app': restart('app') }),
  });

async function restarts(h: FakeHost, withPackage = false): Promise<number> {
  const before = h.log.length;
  await runWith(definePlaybook({ name: 'pb', plays: [{ name: 'p', hosts: 'all', roles: [app(withPackage)] }] }), inventory(['h']), {
    drivers: new Map([['h', h]]),
  });
  return h.log.slice(before).filter((a) => a.a === 'systemctl' && a.verb === 'restart').length;
}

describe('handlers after a fresh start', () => {
  it('a unit started by this apply, after its files changed, is not restarted', async () => {
    const h = FakeHost.debian('h');
    assert.equal(await restarts(h), 0);
    assert.deepEqual(h.service('app.service'), { enabled: true, active: true });
  });

  it('a running unit whose file changed is restarted', async () => {
    const h = FakeHost.debian('h');
    await restarts(h);
    h.seedFile('/etc/app.conf', 'edited by hand');
    assert.equal(await restarts(h), 1);
  });

  it('a package installed in the same apply may have started it already: the restart stays', async () => {
    const h = FakeHost.debian('h').offer('app');
    assert.equal(await restarts(h, true), 1);
  });
});
