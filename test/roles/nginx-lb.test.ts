import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { Role } from '../../lib/dsl/role.js';
import { FakeHost } from '../../lib/testing/index.js';
import { topology } from '../../roles/cluster/index.js';
import haproxy, { CONFIG as HAPROXY_CONFIG } from '../../roles/haproxy/index.js';
import keepalived from '../../roles/keepalived/index.js';
import nginxLb, { CONFIG, RELOAD, testCommand } from '../../roles/nginx-lb/index.js';
import { servesGate, socketsProblem } from '../../roles/nginx-lb/gate.js';
import { stagedPath } from '../../roles/nginx-lb/validated.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const NGINX_UNIT = '[Unit]\nDescription=nginx\n[Service]\nExecStart=/usr/sbin/nginx\n[Install]\nWantedBy=multi-user.target\n';
const HAPROXY_UNIT = '[Unit]\nDescription=haproxy\n[Service]\nExecStart=/usr/sbin/haproxy\n[Install]\nWantedBy=multi-user.target\n';
const STAGED = stagedPath(CONFIG);

/** A fresh host that can install nginx and its stream module (and haproxy), and whose `nginx -t` is scripted. */
function fresh(kind: 'debian' | 'rhel', name: string, test: (config: string) => { exitCode: number; stderr?: string } = () => ({ exitCode: 0 })): FakeHost {
  const h = kind === 'debian' ? FakeHost.debian(name) : FakeHost.rhel(name);
  h.offer('nginx', { version: kind === 'debian' ? '1.22.1-9' : '1.20.1-20.el9', files: { '/usr/lib/systemd/system/nginx.service': NGINX_UNIT } });
  h.offer(kind === 'debian' ? 'libnginx-mod-stream' : 'nginx-mod-stream', { version: '1' });
  h.offer('haproxy', { version: '2.6.12', files: { '/usr/lib/systemd/system/haproxy.service': HAPROXY_UNIT } });
  h.sysctls.set('net.ipv4.ip_nonlocal_bind', '0');
  // `nginx -t` reads the staged file: the reply is the test's verdict on what was written there (and a
  // refused file is removed, as the command's `|| { rm -f ...; }` does on a real host).
  h.script(/^nginx -t -q -c /, () => {
    const verdict = test(h.read(STAGED) ?? '');
    if (verdict.exitCode !== 0) h.fs.remove(STAGED);
    return verdict;
  });
  return h;
}

/** SMALL with a second control-plane host, and the cluster's choice of load balancer. */
const spec = (vars: Record<string, unknown> = { lb_implementation: 'nginx' }): InventorySpec => ({
  ...SMALL,
  hosts: { ...SMALL.hosts, 'lb-1': { address: '10.0.0.11', vars: { keepalived_priority: 150 } }, 'master-2': { address: '10.0.0.22' } },
  groups: { ...SMALL.groups, masters: { hosts: ['master-1', 'master-2'] } },
  vars: { ...SMALL.vars, vip_interface: 'eth0', ...vars },
});

const LB1_CONF = `# Managed by tsplay (role nginx-lb) on lb-1; edits here are overwritten.
# The API's TCP load balancer alone: there is no http {} block, so no site listens (the
# distribution's default one included), only the stream proxy below.
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
# The stream module, where each family's package puts its load_module line (a pattern that
# matches nothing is no error): Debian's libnginx-mod-stream, then RHEL's nginx-mod-stream.
include /etc/nginx/modules-enabled/*.conf;
include /usr/share/nginx/modules/*.conf;

events {
  worker_connections 1024;
}

stream {
  log_format kube_apiserver '$remote_addr [$time_local] $status $bytes_sent $bytes_received $session_time "$upstream_addr"';
  access_log /var/log/nginx/kube-apiserver.log kube_apiserver;

  # Passive health checks only (open-source nginx has no active ones): 2 failed
  # connections to a server within 10s leave it out for 10s.
  upstream kube_apiserver {
    server 10.0.0.21:6443 max_fails=2 fail_timeout=10s; # master-1
    server 10.0.0.22:6443 max_fails=2 fail_timeout=10s; # master-2
  }

  server {
    listen 10.0.0.10:6443;
    proxy_pass kube_apiserver;
    proxy_connect_timeout 5s;
    proxy_timeout 10m;
    # A refused connection (an apiserver restarting before it counts as failed) goes to the next server.
    proxy_next_upstream on;
    proxy_next_upstream_tries 3;
  }
}
`;

const refuses = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ConfigError && re.test(`${e.message} @ ${e.where}`));

describe('roles/nginx-lb', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: installs nginx and its stream module, tests the file with nginx -t before it is in place, starts nginx; a second run changes nothing`, async () => {
      const host = fresh(kind, 'lb-1');
      const inv = inventory(spec());
      const first = await runOn(host, nginxLb, 'lb-1', { inv });
      assert.equal(first.error, undefined);
      assert.deepEqual(first.handlers, [RELOAD]);
      assert.equal(host.read(CONFIG), LB1_CONF);
      assert.equal(host.fs.get(CONFIG)?.mode, 0o644);
      assert.equal(host.read(STAGED), undefined, 'the staged copy is gone once in place');
      assert.ok(host.commands.includes(`${testCommand(STAGED)} || { rc=$?; rm -f ${STAGED}; exit $rc; }`), host.commands.join('\n'));
      const packages = host.log.find((a) => a.a === 'package');
      assert.deepEqual(
        packages && 'names' in packages ? packages.names : [],
        kind === 'debian' ? ['nginx', 'libnginx-mod-stream'] : ['nginx', 'nginx-mod-stream'],
      );
      assert.equal(host.sysctls.get('net.ipv4.ip_nonlocal_bind'), '1');
      assert.deepEqual(host.service('nginx.service'), { enabled: true, active: true });
      // The write to the real path comes after the test, never before.
      const order = host.log.flatMap((a) => (a.a === 'write' && a.path.startsWith('/etc/nginx/') ? [a.path] : a.a === 'command' ? ['test'] : []));
      assert.deepEqual(order, [STAGED, 'test', CONFIG]);
      const second = await runOn(host, nginxLb, 'lb-1', { inv });
      assert.deepEqual([second.counts.changed, second.handlers], [0, []]);
      assert.equal(host.commands.filter((c) => c.startsWith('nginx -t')).length, 1, 'no test when nothing changes');
    });
  }

  it('a file nginx -t refuses fails the host with nginx’s message and never replaces the working one (nor reloads)', async () => {
    let broken = false;
    const host = fresh('debian', 'lb-1', (conf) =>
      broken && conf.includes('10.0.0.23') ? { exitCode: 1, stderr: 'nginx: [emerg] host not found in upstream "10.0.0.23:6443"' } : { exitCode: 0 },
    );
    await runOn(host, nginxLb, 'lb-1', { inv: inventory(spec()) });
    const working = host.read(CONFIG);
    broken = true;
    const more: InventorySpec = {
      ...spec(),
      hosts: { ...spec().hosts, 'master-3': { address: '10.0.0.23' } },
      groups: { ...spec().groups, masters: { hosts: ['master-1', 'master-2', 'master-3'] } },
    };
    const before = host.log.length;
    const r = await runOn(host, nginxLb, 'lb-1', { inv: inventory(more) });
    assert.match(r.error?.message ?? '', /host not found in upstream/);
    assert.equal(host.read(CONFIG), working, 'the working config stays');
    assert.equal(host.read(STAGED), undefined, 'the refused file is removed');
    assert.deepEqual(r.handlers, []);
    assert.deepEqual(
      host.log.slice(before).filter((a) => a.a === 'systemctl'),
      [],
    );
  });

  it('a changed backend list reloads nginx (no restart)', async () => {
    const host = fresh('rhel', 'lb-2');
    await runOn(host, nginxLb, 'lb-2', { inv: inventory({ ...SMALL, vars: { ...SMALL.vars, lb_implementation: 'nginx' } }) });
    const before = host.log.length;
    const r = await runOn(host, nginxLb, 'lb-2', { inv: inventory(spec()) });
    assert.deepEqual([r.counts.changed, r.handlers], [1, [RELOAD]]);
    assert.deepEqual(
      host.log.slice(before).filter((a) => a.a === 'systemctl'),
      [{ a: 'systemctl', verb: 'reload', unit: 'nginx.service' }],
    );
  });

  it('bind any, other ports and timeouts: no sysctl, listen on the port alone; IPv6 backends in brackets', () => {
    const r = forHost(nginxLb, 'lb-1', {
      inv: inventory(spec()),
      overrides: { haproxy_bind: 'any', apiserver_port: 8443, haproxy_backend_port: 16443, nginx_max_fails: 5, nginx_fail_timeout: '30s' },
    });
    assert.deepEqual(
      r.resources.map((x) => x.id),
      ['package:nginx,libnginx-mod-stream,nginx-mod-stream', 'retired:haproxy.service', 'directory:/etc/nginx', `template:${CONFIG}`, 'service:nginx.service'],
    );
    const v6: InventorySpec = {
      ...SMALL,
      hosts: { ...SMALL.hosts, 'lb-1': { address: 'fd00::11' }, 'lb-2': { address: 'fd00::12' }, 'master-1': { address: 'fd00::21' } },
      groups: { ...SMALL.groups, lb: { hosts: ['lb-1', 'lb-2'], vars: { vip: 'fd00::10' } } },
      vars: { ...SMALL.vars, lb_implementation: 'nginx' },
    };
    const six = forHost(nginxLb, 'lb-1', { inv: inventory(v6) });
    assert.ok(six.resources.some((x) => x.id === 'sysctl:net.ipv6.ip_nonlocal_bind'));
  });

  it('the gate: nginx active, listening on the API port and nothing else', async () => {
    const ss = (...lines: string[]) => `${lines.join('\n')}\n`;
    const api = 'LISTEN 0 511 10.0.0.10:6443 0.0.0.0:* users:(("nginx",pid=12,fd=5),("nginx",pid=11,fd=5))';
    const site = 'LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=12,fd=6))';
    const sshd = 'LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("sshd",pid=9,fd=3))';
    assert.equal(socketsProblem(ss(api, sshd), 6443), undefined);
    assert.match(socketsProblem(ss(api, site), 6443)!, /nginx listens on 0\.0\.0\.0:80 besides the API port 6443/);
    assert.match(socketsProblem(ss(site, sshd), 6443)!, /nginx does not listen on port 6443 \(it listens on 0\.0\.0\.0:80\)/);
    assert.match(socketsProblem(ss(sshd), 6443)!, /nginx does not listen on port 6443$/);
    const r = forHost(nginxLb, 'lb-1', { inv: inventory(spec()) });
    const gate = (h: FakeHost) => servesGate.check({ host: r.host, vars: r.vars, cluster: r.cluster, exec: (c) => h.exec(c) });
    const up = FakeHost.debian('lb-1')
      .script('systemctl is-active nginx.service', { stdout: 'active\n' })
      .script('ss -Hltnp', { stdout: ss(api, sshd) });
    await gate(up);
    const down = FakeHost.debian('lb-1').script('systemctl is-active nginx.service', { exitCode: 3, stdout: 'failed\n' });
    await assert.rejects(gate(down), /nginx is not active \(failed\)/);
  });

  describe('switching lb_implementation', () => {
    it('haproxy -> nginx: the haproxy role builds nothing; nginx-lb stops and disables the haproxy tsplay set up, before nginx starts', async () => {
      const host = fresh('debian', 'lb-1');
      await runOn(host, haproxy, 'lb-1', { inv: inventory(spec({})) });
      assert.deepEqual(host.service('haproxy.service'), { enabled: true, active: true });
      const inv = inventory(spec());
      assert.deepEqual(forHost(haproxy, 'lb-1', { inv }).resources, [], 'haproxy does not run with nginx chosen');
      const before = host.log.length;
      const r = await runOn(host, nginxLb, 'lb-1', { inv });
      assert.equal(r.error, undefined);
      assert.deepEqual(host.service('haproxy.service'), { enabled: false, active: false });
      assert.deepEqual(host.service('nginx.service'), { enabled: true, active: true });
      const units = host.log.slice(before).flatMap((a) => (a.a === 'systemctl' && a.unit ? [`${a.verb} ${a.unit}`] : []));
      assert.ok(units.indexOf('stop haproxy.service') < units.indexOf('start nginx.service'), units.join(', '));
      assert.ok(host.read(HAPROXY_CONFIG), 'haproxy.cfg stays, for a switch back');
      const again = await runOn(host, nginxLb, 'lb-1', { inv });
      assert.equal(again.counts.changed, 0);
    });

    it('nginx -> haproxy: nginx-lb builds nothing; haproxy stops and disables the nginx tsplay set up', async () => {
      const host = fresh('rhel', 'lb-1');
      await runOn(host, nginxLb, 'lb-1', { inv: inventory(spec()) });
      const inv = inventory(spec({ lb_implementation: 'haproxy' }));
      assert.deepEqual(forHost(nginxLb, 'lb-1', { inv }).resources, []);
      const r = await runOn(host, haproxy, 'lb-1', { inv });
      assert.equal(r.error, undefined);
      assert.deepEqual(host.service('nginx.service'), { enabled: false, active: false });
      assert.deepEqual(host.service('haproxy.service'), { enabled: true, active: true });
    });

    it('-e lb_implementation=nginx wins over the inventory for every LB role', () => {
      const inv = inventory(spec({}));
      const extra = { lb_implementation: 'nginx' };
      assert.deepEqual(forHost(haproxy, 'lb-1', { inv, extra }).resources, []);
      assert.ok(forHost(nginxLb, 'lb-1', { inv, extra }).resources.length > 0);
      assert.equal(forHost(keepalived, 'lb-1', { inv, extra }).vars.lb_implementation, 'nginx');
      assert.equal(topology(inv.cluster).lbImplementation, 'haproxy', "the inventory's value, which -e overrides for the run");
    });

    it('an nginx (or haproxy) that tsplay did not set up is left alone', async () => {
      const host = fresh('debian', 'lb-1');
      host.seedFile('/etc/nginx/nginx.conf', 'http { server { listen 80; } }\n').seedUnit('nginx.service', NGINX_UNIT, { enabled: true, active: true });
      await runOn(host, haproxy, 'lb-1', { inv: inventory(spec({})) });
      assert.deepEqual(host.service('nginx.service'), { enabled: true, active: true });
    });
  });

  describe('bad input is refused before any host is touched, naming the field', () => {
    it('an unknown lb_implementation, in the inventory or -e, with did-you-mean', () => {
      refuses(
        () => topology(inventory(spec({ lb_implementation: 'ngnix' })).cluster),
        /expected "haproxy" or "nginx", got "ngnix"\. Did you mean "nginx"\? @ vars\.lb_implementation/,
      );
      refuses(() => forHost(nginxLb, 'lb-1', { inv: inventory(spec({ lb_implementation: 'HAProxy ' })) }), /Did you mean "haproxy"\?/);
      refuses(
        () => forHost(haproxy, 'lb-1', { inv: inventory(spec({})), extra: { lb_implementation: 'envoy' } }),
        /var lb_implementation: expected "haproxy" or "nginx", got "envoy" @/,
      );
      refuses(() => forHost(keepalived, 'lb-1', { inv: inventory(spec({})), extra: { lb_implementation: 'nginxx' } }), /Did you mean "nginx"\?/);
    });

    it('a per-group, per-host or per-role lb_implementation', () => {
      const base = spec({});
      const perGroup: InventorySpec = {
        ...base,
        groups: { ...base.groups, lb: { hosts: ['lb-1', 'lb-2'], vars: { vip: '10.0.0.10', lb_implementation: 'nginx' } } },
      };
      refuses(() => forHost(nginxLb, 'lb-1', { inv: inventory(perGroup) }), /lb_implementation is cluster-wide and read once.*host lb-1 gets "nginx"/);
      const perHost: InventorySpec = { ...base, hosts: { ...base.hosts, 'lb-2': { address: '10.0.0.12', vars: { lb_implementation: 'nginx' } } } };
      refuses(() => forHost(haproxy, 'lb-1', { inv: inventory(perHost) }), /lb_implementation is cluster-wide/);
      for (const role of ['haproxy', 'nginx-lb', 'keepalived']) {
        const scoped: InventorySpec = { ...base, hosts: { ...base.hosts, 'lb-1': { address: '10.0.0.11', vars: { [role]: { lb_implementation: 'nginx' } } } } };
        for (const r of [haproxy, nginxLb] as Role<object>[])
          refuses(
            () => forHost(r, 'lb-1', { inv: inventory(scoped) }),
            new RegExp(`for role ${role} only.*@ hosts\\.lb-1\\.vars\\.${role}\\.lb_implementation`),
          );
      }
    });

    it("nginx's own vars", () => {
      const inv = inventory(spec());
      refuses(() => forHost(nginxLb, 'lb-1', { inv, overrides: { nginx_fail_timeout: 'ten seconds' } }), /var nginx_fail_timeout: expected an nginx time/);
      refuses(() => forHost(nginxLb, 'lb-1', { inv, overrides: { nginx_max_fails: -1 } }), /var nginx_max_fails:/);
      const noVip: InventorySpec = { ...spec(), groups: { ...spec().groups, lb: { hosts: ['lb-1', 'lb-2'] } } };
      refuses(() => forHost(nginxLb, 'lb-1', { inv: inventory(noVip) }), /the nginx-lb role needs the API's virtual IP/);
    });
  });
});
