/** Bad input is refused before any host is touched, with what was wrong and where (exit code 1). */
import assert from 'node:assert/strict';
import { Fleet, INVENTORY, SAMPLE, tsplay } from './helpers.js';

async function refused(args: string[], pattern: RegExp): Promise<void> {
  const fleet = new Fleet();
  const r = await tsplay(fleet, ...args);
  assert.equal(r.code, 1, `exit code for ${args.join(' ')}`);
  assert.match(r.err, pattern);
  // Input errors say what to fix; only a bug in tsplay may print "internal error" and a stack.
  assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  assert.deepEqual(fleet.connects, [], 'no host may be touched');
}

describe('tsplay run: bad input', () => {
  it('an unknown tag, with did-you-mean', () => refused(['run', SAMPLE, '-i', INVENTORY, '--tags', 'confg'], /unknown tag "confg"\. Did you mean "config"\?/));
  it('an unknown --limit host, with did-you-mean', () =>
    refused(['run', SAMPLE, '-i', INVENTORY, '--limit', 'web-3'], /--limit: unknown host or group "web-3".*Did you mean/));
  it('an unknown extra var, with did-you-mean', () =>
    refused(['run', SAMPLE, '-i', INVENTORY, '-e', 'prot=1'], /-e prot: no role in this playbook has a var "prot"\. Did you mean "port"/));
  it('an extra var of the wrong type', () => refused(['run', SAMPLE, '-i', INVENTORY, '-e', 'port=http'], /-e port: expected a number, got "http"/));
  it('a var the role schema refuses names the field', () => refused(['run', SAMPLE, '-i', INVENTORY, '-e', 'port=70000'], /role webapp on web-1: var port: /));
  it('a malformed -e', () => refused(['run', SAMPLE, '-i', INVENTORY, '-e', 'port'], /-e: expected key=value, got "port"/));
  it('a missing inventory, with did-you-mean', () =>
    refused(
      ['run', SAMPLE, '-i', 'test/fixtures/inventory/fake-wbe.ts'],
      /inventory file not found\. Did you mean "test\/fixtures\/inventory\/fake-web.ts"\?/,
    ));
  it('a missing playbook', () =>
    refused(['run', 'playbooks/sampel.ts', '-i', INVENTORY], /playbooks\/sampel.ts: playbook file not found\. Did you mean "playbooks\/sample.ts"\?/));
  it('a playbook of the wrong shape names the file and fields', () =>
    refused(
      ['run', 'test/fixtures/playbooks/bad-shape.ts', '-i', INVENTORY],
      /bad-shape.ts: 2 problems in the playbook:\n\s+plays\[1\]\.hosts: expected a host pattern.*\n\s+plays\[1\]\.serail: unknown field.*Did you mean "serial"\?/,
    ));
  it('fake hosts without a test kit', async () => {
    const { main } = await import('../../lib/cli/main.js');
    const { Collect } = await import('../report/helpers.js');
    const err = new Collect();
    const code = await main(['run', SAMPLE, '-i', INVENTORY], { stdout: new Collect(), stderr: err, tty: false });
    assert.equal(code, 1);
    assert.match(err.plain, /web-1, web-2, rhel-1 use the "fake" transport/);
  });
  it('a bad --forks', () => refused(['run', SAMPLE, '-i', INVENTORY, '--forks', '0'], /--forks must be a whole number of at least 1, got "0"/));
  for (const v of ['1.5', '0x10', '1e3', '', '-2'])
    it(`--forks ${JSON.stringify(v)} and --connect-timeout ${JSON.stringify(v)}`, async () => {
      await refused(['run', SAMPLE, '-i', INVENTORY, '--forks', v], /--forks must be a whole number/);
      await refused(['run', SAMPLE, '-i', INVENTORY, '--connect-timeout', v], /--connect-timeout must be a whole number/);
    });
  it('an unknown --skip-tags value names --skip-tags', () =>
    refused(['run', SAMPLE, '-i', INVENTORY, '--skip-tags', 'confg'], /^error: --skip-tags: unknown tag "confg"/));
  it('an empty --tags, --skip-tags or --limit is refused, not read as "everything"', async () => {
    await refused(['run', SAMPLE, '-i', INVENTORY, '--tags', ','], /--tags needs at least one name/);
    await refused(['run', SAMPLE, '-i', INVENTORY, '--skip-tags', ''], /--skip-tags needs at least one name/);
    await refused(['run', SAMPLE, '-i', INVENTORY, '--limit', ' '], /--limit needs a host pattern/);
  });
  it('a resource a role cannot build from its vars names the role, host, resource and var', () =>
    refused(
      ['run', SAMPLE, '-i', INVENTORY, '-e', 'root=/srv/../etc'],
      /^error: role webapp on web-1: building its resources failed: [\w ]+: path must be absolute without "\.\.": "\/srv\/\.\.\/etc" \(the value of var "root"\)$/m,
    ));
  it('an unknown lab host', () => refused(['lab', 'ssh', 'no-such-host'], /lab ssh: no lab host named "no-such-host"/));
  it('an unknown option', () => refused(['run', SAMPLE, '-i', INVENTORY, '--chek'], /unknown option '--chek'/));
});

describe('tsplay: listings and help', () => {
  it('--list-hosts, --list-tags and --list-tasks touch nothing', async () => {
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'run', SAMPLE, '-i', INVENTORY, '--list-hosts', '--list-tags');
    assert.equal(r.code, 0);
    assert.match(r.out, /play "web app everywhere" \(3 hosts\)\n\s+web-1\s+192\.0\.2\.11/);
    assert.match(r.out, /^config$/m);
    assert.match(r.out, /^webapp$/m);
    assert.deepEqual(fleet.connects, []);
  });
  it('run --help teaches with examples and the exit codes', async () => {
    const r = await tsplay(new Fleet(), 'run', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /Examples:/);
    assert.match(r.out, /--check/);
    assert.match(r.out, /Exit code: 0 ok, bit 1/);
  });
});
