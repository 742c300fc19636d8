/** Vars that nothing reads, through the real CLI: refused with exit 1 before any host is touched; -v says which group's value won. */
import assert from 'node:assert/strict';
import { Fleet, SAMPLE, tsplay } from './helpers.js';

async function refused(args: string[], message: string): Promise<void> {
  const fleet = new Fleet();
  const r = await tsplay(fleet, 'run', ...args);
  assert.equal(r.code, 1, `exit code for ${args.join(' ')}: ${r.err}`);
  assert.equal(r.err, `error: ${message}\n`);
  assert.deepEqual(fleet.connects, [], 'no host may be touched');
}

describe('tsplay run: vars that nothing reads', () => {
  it("inventory vars, plain or under the role's name: every one named with its file, place and did-you-mean", () =>
    refused(
      [SAMPLE, '-i', 'test/fixtures/inventory/fake-typos.ts', '--check'],
      [
        'test/fixtures/inventory/fake-typos.ts: 2 unknown vars:',
        '  group web: unknown var "titel" (no role of this playbook or of the project reads it). Did you mean "title"?',
        '  host rhel-1: webapp.prot: role webapp has no var "prot". Did you mean "port" or "root"?',
      ].join('\n'),
    ));

  it('a play override: the playbook file, the play and the role', () =>
    refused(
      ['test/fixtures/playbooks/override-typo.ts', '-i', 'test/fixtures/inventory/fake-web.ts'],
      'test/fixtures/playbooks/override-typo.ts: play 1 "web", role webapp: role webapp has no var "prot". Did you mean "port" or "root"?',
    ));

  it('-v: a host in two groups that set a var differently is told which group won, and why; without -v, nothing', async () => {
    const args = ['run', SAMPLE, '-i', 'test/fixtures/inventory/fake-conflicts.ts', '--list-hosts'];
    const quiet = await tsplay(new Fleet(), ...args);
    assert.equal(quiet.code, 0, quiet.err);
    assert.equal(quiet.err, '');
    const verbose = await tsplay(new Fleet(), ...args, '-v');
    assert.equal(verbose.code, 0, verbose.err);
    assert.equal(
      verbose.err,
      'note: test/fixtures/inventory/fake-conflicts.ts: host web-1 takes title = "green" from group green, not from group blue ("blue") (groups of the same depth: the one declared later wins)\n',
    );
  });
});
