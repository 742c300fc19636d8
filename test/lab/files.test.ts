import assert from 'node:assert/strict';
import { inventorySource } from '../../lib/lab/inventory-file.js';
import { knownHostsText, mergeKnownHosts } from '../../lib/lab/keys.js';
import { labHosts } from '../../lib/lab/network.js';
import { problems } from '../../lib/lab/preflight.js';
import { containerHost, nspawnHost, parseLabMounts } from '../../lib/lab/procs.js';
import { statusTable } from '../../lib/lab/status.js';
import { checkHostKey, parseKnownHosts } from '../../lib/transport/known-hosts.js';

const HOSTS = '/var/lib/tsplay/lab/hosts';

describe('lab files and checks', () => {
  it('writes known_hosts lines that the SSH transport accepts for the lab address', () => {
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 2, 1, 2])]);
    const text = knownHostsText([{ name: 'lab-1', address: '10.231.0.11', hostKey: `ssh-ed25519 ${blob.toString('base64')}` }]);
    assert.equal(text, `10.231.0.11,lab-1 ssh-ed25519 ${blob.toString('base64')}\n`);
    assert.equal(checkHostKey(parseKnownHosts(text), '10.231.0.11', blob).kind, 'known');
  });

  it('replaces only lab lines in a user known_hosts', () => {
    const user = 'github.com ssh-ed25519 AAA\n10.231.0.11,lab-1 ssh-ed25519 OLD\n10.231.0.110 ssh-ed25519 KEEP\n';
    assert.equal(
      mergeKnownHosts(user, ['10.231.0.11'], '10.231.0.11,lab-1 ssh-ed25519 NEW\n'),
      'github.com ssh-ed25519 AAA\n10.231.0.110 ssh-ed25519 KEEP\n10.231.0.11,lab-1 ssh-ed25519 NEW\n',
    );
  });

  it('generates an inventory of the lab hosts in group lab', () => {
    const src = inventorySource(labHosts(2), '/k/id', '/k/known');
    assert.match(src, /import \{ defineInventory \} from '\.\.\/lib\/dsl\/inventory\.js';/);
    assert.match(src, /'lab-2': \{ address: '10\.231\.0\.12' \}/);
    assert.match(src, /lab: \{ hosts: \['lab-1', 'lab-2'\] \}/);
    assert.match(src, /defaults: \{ user: 'root', port: 22, key: '\/k\/id' \}/);
  });

  it('finds lab nspawns by their directory and lab containers by their overlay', () => {
    assert.equal(nspawnHost(['/usr/bin/systemd-nspawn', '--boot', '--directory', `${HOSTS}/lab-3/root`], HOSTS), 'lab-3');
    assert.equal(nspawnHost(['systemd-nspawn', `--directory=${HOSTS}/lab-4/root`], HOSTS), 'lab-4');
    assert.equal(nspawnHost(['systemd-nspawn', '-D', '/srv/other'], HOSTS), undefined);
    assert.equal(nspawnHost(['bash', '-D', `${HOSTS}/lab-3/root`], HOSTS), undefined);
    const mi = `22 1 0:44 / / rw,relatime - overlay overlay rw,lowerdir=/img,upperdir=${HOSTS}/lab-5/upper,workdir=${HOSTS}/lab-5/work\n`;
    assert.equal(containerHost(mi, HOSTS), 'lab-5');
    assert.equal(containerHost('22 1 8:1 / / rw - ext4 /dev/vda rw\n', HOSTS), undefined);
  });

  it('lists lab mounts deepest first', () => {
    const mi = [
      `30 1 0:1 / ${HOSTS}/lab-1/root rw - overlay overlay rw`,
      `31 30 0:2 / ${HOSTS}/lab-1/root/proc rw - proc proc rw`,
      '32 1 0:3 / /srv rw - ext4 x rw',
    ].join('\n');
    assert.deepEqual(parseLabMounts(mi, HOSTS), [`${HOSTS}/lab-1/root/proc`, `${HOSTS}/lab-1/root`]);
  });

  it('explains every reason the lab cannot run', () => {
    const ok = { platform: 'linux', uid: 0, freeBytes: 10 * 1024 ** 3, hasNamespaces: true };
    assert.deepEqual(problems(ok, true, '/x'), []);
    const bad = problems({ platform: 'linux', uid: 0, freeBytes: 1024 ** 3, hasNamespaces: false }, true, '/x');
    assert.equal(bad.length, 2);
    assert.match(bad.join('\n'), /namespaces[\s\S]*\/x has 1\.0 GB free; the lab needs at least 3 GB/);
    assert.deepEqual(
      problems({ ...ok, uid: 1000, hasNamespaces: false }, false, '/x').map((p) => p.slice(0, 22)),
      ['the lab needs root (it'],
    );
    assert.match(problems({ ...ok, platform: 'darwin' }, false, '/x')[0]!, /needs Linux/);
  });

  it('prints a status table', () => {
    assert.equal(
      statusTable([{ name: 'lab-1', address: '10.231.0.11', state: 'running', pid: 42 }]),
      'HOST   ADDRESS      STATE    PID\nlab-1  10.231.0.11  running  42',
    );
  });
});
