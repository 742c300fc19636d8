/** -u, --private-key, -K and the retry file: option handling and what a run leaves for --limit @FILE (fake hosts). */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withConnectionFlags } from '../../lib/cli/connection-flags.js';
import { main } from '../../lib/cli/main.js';
import { defaultRetryFile, hostsToRetry } from '../../lib/cli/retry.js';
import { TransportError } from '../../lib/core/errors.js';
import type { Host } from '../../lib/core/model.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { Collect } from '../report/helpers.js';
import { Fleet, INVENTORY, SAMPLE } from './helpers.js';

const SPEC: InventorySpec = {
  defaults: { port: 22 },
  hosts: { a: { address: '192.0.2.1' }, b: { address: '192.0.2.2', user: 'own', key: '/k/own', becomePassword: 'mine' } },
};

/** main() with fake hosts, recording the Host each connect got and the prompts asked. */
async function tsplay(fleet: Fleet, argv: string[], answer = 'typed pw') {
  const stdout = new Collect();
  const stderr = new Collect();
  const seen: Host[] = [];
  const prompts: string[] = [];
  const code = await main(argv, {
    stdout,
    stderr,
    tty: false,
    askPassword: async (p) => (prompts.push(p), answer),
    connect: async (host) => {
      seen.push(host);
      fleet.connects.push(host.name);
      if (fleet.down.has(host.name)) throw new TransportError(host.name, 'connect ECONNREFUSED');
      return fleet.get(host.name);
    },
  });
  return { code, out: stdout.plain, err: stderr.plain, seen, prompts };
}

describe('connection flags', () => {
  it('-u and --private-key fill in only what the inventory leaves unset; -K gives a password to hosts without one', () => {
    const s = withConnectionFlags(SPEC, { user: 'deploy', privateKey: '/k/deploy' }, 'typed');
    assert.deepEqual(s.defaults, { port: 22, user: 'deploy', key: '/k/deploy' });
    assert.equal(s.hosts.b!.user, 'own');
    assert.equal(String(s.hosts.a!.becomePassword), String(withConnectionFlags(SPEC, {}, 'typed').hosts.a!.becomePassword));
    assert.equal(s.hosts.b!.becomePassword, 'mine');
    assert.equal(withConnectionFlags({ ...SPEC, defaults: { user: 'inv' } }, { user: 'deploy' }).defaults!.user, 'inv');
    assert.equal(withConnectionFlags(SPEC, {}), SPEC, 'no flags: the same spec');
  });

  it('through exec: -u sets the login user, -K asks once and the password never shows', async () => {
    const fleet = new Fleet();
    fleet.get('web-1').script(/^echo hi$/, () => ({ exitCode: 0, stdout: 'typed pw\n' }));
    const r = await tsplay(fleet, ['exec', '-i', INVENTORY, 'web-1', '-u', 'deploy', '-K', '--', 'echo hi']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.prompts, ['BECOME password: ']);
    assert.equal(r.seen[0]!.user, 'deploy');
    assert.equal(r.seen[0]!.becomePassword?.reveal(), 'typed pw');
    assert.doesNotMatch(r.out, /typed pw/, 'a secret echoed by a host is masked');
  });
});

describe('retry file', () => {
  it('the default sits under .tsplay/retry, named after the playbook', () => {
    assert.equal(defaultRetryFile('playbooks/site.ts'), join('.tsplay', 'retry', 'site.retry'));
    assert.deepEqual(
      hostsToRetry({
        ms: 1,
        hosts: {
          a: { ok: 1, changed: 0, failed: 0, skipped: 0, unreachable: false, roundTrips: 1, roleMs: {} },
          b: { ok: 0, changed: 0, failed: 1, skipped: 0, unreachable: false, roundTrips: 1, roleMs: {} },
          c: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: true, roundTrips: 0, roleMs: {} },
        },
      }),
      ['b', 'c'],
    );
  });

  it('a run with an unreachable host lists it; --limit @FILE runs just it; a clean run removes the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tsplay-retry-')), 'sample.retry');
    const fleet = new Fleet();
    fleet.down.add('web-2');
    const first = await tsplay(fleet, ['run', SAMPLE, '-i', INVENTORY, '--retry-file', file]);
    assert.equal(first.code, 4, first.err);
    assert.equal(readFileSync(file, 'utf8'), 'web-2\n');
    assert.match(
      first.err,
      new RegExp(`1 host failed or unreachable, listed in ${file}: run them again with tsplay run playbooks/sample\\.ts -i ${INVENTORY} --limit @${file}`),
    );
    fleet.down.clear();
    fleet.connects.length = 0;
    const again = await tsplay(fleet, ['run', SAMPLE, '-i', INVENTORY, '--retry-file', file, '--limit', `@${file}`]);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(fleet.connects, ['web-2']);
    assert.equal(existsSync(file), false);
  });
});
