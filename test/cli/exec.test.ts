/** `tsplay exec` and `tsplay facts` through the real CLI entry against fake hosts: output, exit bits, JSON, become. */
import assert from 'node:assert/strict';
import { becomeCommand } from '../../lib/cli/exec-cmd.js';
import { Fleet, INVENTORY, tsplay } from './helpers.js';

const exec = (fleet: Fleet, ...args: string[]) => tsplay(fleet, 'exec', '-i', INVENTORY, ...args);

function fleetSaying(): Fleet {
  const fleet = new Fleet();
  for (const n of ['web-1', 'web-2', 'rhel-1']) {
    fleet.get(n).script(/^echo hi$/, () => ({ exitCode: 0, stdout: `hi from ${n}\n` }));
    fleet.get(n).script(/^false$/, () => ({ exitCode: n === 'web-2' ? 3 : 0, stdout: '', stderr: n === 'web-2' ? 'nope\n' : '' }));
  }
  return fleet;
}

describe('tsplay exec (fake hosts)', () => {
  it('runs on every matching host and groups output per host, in inventory order', async () => {
    const fleet = fleetSaying();
    const r = await exec(fleet, 'all', '--', 'echo', 'hi');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^web-1 \| OK \| rc=0 \| \d+ ms\nhi from web-1\nweb-2 \| OK \| rc=0 \| \d+ ms\nhi from web-2\nrhel-1 \| OK/);
    assert.match(r.err, /3 hosts: 3 ok, 0 failed, 0 unreachable/);
  });

  it('a pattern picks hosts; --limit narrows them', async () => {
    const fleet = fleetSaying();
    const r = await exec(fleet, 'web', '--limit', '!web-2', '--', 'echo hi');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(fleet.connects, ['web-1']);
    assert.doesNotMatch(r.out, /web-2|rhel-1/);
  });

  it('a non-zero exit on one host sets bit 2 and shows its stderr; an unreachable host sets bit 4', async () => {
    const fleet = fleetSaying();
    fleet.down.add('rhel-1');
    const r = await exec(fleet, 'all', '--', 'false');
    assert.equal(r.code, 2 | 4);
    assert.match(r.out, /web-2 \| FAILED \| rc=3 .*\n--- stderr\nnope/);
    assert.match(r.out, /rhel-1 \| UNREACHABLE \| .*ECONNREFUSED/);
    assert.match(r.err, /3 hosts: 1 ok, 1 failed, 1 unreachable/);
  });

  it('--stream prefixes every line with its host; --json writes one object per host', async () => {
    const fleet = fleetSaying();
    const s = await exec(fleet, 'web', '--stream', '--', 'false');
    assert.equal(s.code, 2);
    assert.match(s.out, /^web-2 ! nope$/m);
    assert.match(s.out, /^web-2 = rc=3 \d+ ms$/m);
    const j = await exec(fleetSaying(), 'all', '--json', '--', 'echo hi');
    const rows = j.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { host: string; status: string; rc: number; stdout: string });
    assert.deepEqual(rows.map((x) => x.host).sort(), ['rhel-1', 'web-1', 'web-2']);
    assert.ok(rows.every((x) => x.status === 'ok' && x.rc === 0 && x.stdout === `hi from ${x.host}\n`));
    assert.equal(j.err, '', 'no summary on stderr with --json');
  });

  it('--forks bounds how many hosts are worked on at once', async () => {
    const fleet = new Fleet();
    let now = 0;
    let most = 0;
    for (const n of ['web-1', 'web-2', 'rhel-1']) {
      fleet.get(n).script(/^sleep$/, () => ({ exitCode: 0, stdout: '' }));
      const h = fleet.get(n);
      const orig = h.exec.bind(h);
      h.exec = async (c, o) => {
        most = Math.max(most, ++now);
        await new Promise((res) => setTimeout(res, 20));
        now--;
        return orig(c, o);
      };
    }
    assert.equal((await exec(fleet, 'all', '-f', '1', '--', 'sleep')).code, 0);
    assert.equal(most, 1);
    most = 0;
    assert.equal((await exec(fleet, 'all', '--', 'sleep')).code, 0);
    assert.equal(most, 3);
  });

  it('bad input is refused before any host is touched', async () => {
    const fleet = fleetSaying();
    const unknown = await exec(fleet, 'wbe', '--', 'echo hi');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /pattern: unknown host or group "wbe".*web/);
    const user = await exec(fleet, 'all', '--become-user', 'app', '--', 'echo hi');
    assert.equal(user.code, 1);
    assert.match(user.err, /--become-user needs --become/);
    const none = await exec(fleet, 'all', '--', ' ');
    assert.equal(none.code, 1);
    assert.match(none.err, /no command to run/);
    assert.deepEqual(fleet.connects, []);
  });

  it('--become-user wraps the command in sudo -u, quoted', () => {
    assert.equal(becomeCommand("echo 'x'", 'app'), "sudo -n -u app -- sh -c 'echo '\\''x'\\'''");
    assert.equal(becomeCommand('id', 'root'), 'id');
  });

  it('--help teaches: an example and the exit code bits', async () => {
    const r = await tsplay(new Fleet(), 'exec', '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /tsplay exec -i inventory\/prod\.ts all -- uptime/);
    assert.match(r.out, /bit 2 the command exited non-zero/);
  });
});

describe('tsplay facts (fake hosts)', () => {
  it('prints the facts of every matching host as one JSON object', async () => {
    const fleet = new Fleet();
    const r = await tsplay(fleet, 'facts', '-i', INVENTORY, 'all');
    assert.equal(r.code, 0, r.err);
    const facts = JSON.parse(r.out) as Record<string, { os: { family: string }; packageManager: string }>;
    assert.deepEqual(Object.keys(facts), ['web-1', 'web-2', 'rhel-1']);
    assert.equal(facts['web-1']!.os.family, 'debian');
    assert.equal(facts['rhel-1']!.os.family, 'redhat');
    assert.equal(facts['rhel-1']!.packageManager, 'dnf');
  });

  it('an unreachable host is left out, named on stderr, and sets bit 4', async () => {
    const fleet = new Fleet();
    fleet.down.add('web-2');
    const r = await tsplay(fleet, 'facts', '-i', INVENTORY, 'web');
    assert.equal(r.code, 4);
    assert.deepEqual(Object.keys(JSON.parse(r.out) as object), ['web-1']);
    assert.match(r.err, /web-2: unreachable: .*ECONNREFUSED/);
  });
});
