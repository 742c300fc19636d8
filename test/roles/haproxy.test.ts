import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { FakeHost } from '../../lib/testing/index.js';
import haproxy, { CONFIG, RELOAD } from '../../roles/haproxy/index.js';
import { healthCommand, listenCommand } from '../../roles/haproxy/gate.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

const UNIT = '[Unit]\nDescription=haproxy\n[Service]\nExecStart=/usr/sbin/haproxy\n[Install]\nWantedBy=multi-user.target\n';

function fresh(kind: 'debian' | 'rhel', name: string): FakeHost {
  const h = (kind === 'debian' ? FakeHost.debian(name) : FakeHost.rhel(name)).offer('haproxy', {
    version: '2.6.12',
    files: { '/usr/lib/systemd/system/haproxy.service': UNIT },
  });
  h.sysctls.set('net.ipv4.ip_nonlocal_bind', '0');
  return h;
}

const LB1_CFG = `# Managed by tsplay (role haproxy) on lb-1; edits here are overwritten.
global
  log /dev/log local0
  log /dev/log local1 notice
  chroot /var/lib/haproxy
  stats socket /var/lib/haproxy/admin.sock mode 660 level admin
  stats timeout 30s
  user haproxy
  group haproxy
  daemon

defaults
  log global
  option dontlognull
  timeout connect 5s
  timeout client 10m
  timeout server 10m
  timeout check 5s
  # A refused connection (an apiserver restarting before its check marks it down) is retried on another backend.
  retries 3
  option redispatch 1

# Answers 200 while haproxy runs: keepalived's check script asks here, and gives up the VIP when it fails.
frontend healthz
  bind 127.0.0.1:8404
  mode http
  no log
  monitor-uri /healthz

frontend kube-apiserver
  bind 10.0.0.10:6443
  mode tcp
  option tcplog
  default_backend kube-apiserver

backend kube-apiserver
  mode tcp
  balance roundrobin
  option httpchk GET /healthz
  http-check expect rstatus ^(200|401|403)$
  default-server inter 5s downinter 5s rise 2 fall 2 slowstart 60s maxconn 1000 maxqueue 256 weight 100
  server master-1 10.0.0.21:6443 check check-ssl verify none
  server master-2 10.0.0.22:6443 check check-ssl verify none
`;

/** SMALL with a second control-plane host, so the backend has two servers. */
const TWO_MASTERS: InventorySpec = {
  ...SMALL,
  hosts: { ...SMALL.hosts, 'master-2': { address: '10.0.0.22' } },
  groups: { ...SMALL.groups, masters: { hosts: ['master-1', 'master-2'] } },
};

describe('roles/haproxy', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: installs haproxy, allows binding the VIP, writes the config, starts it; a second run changes nothing`, async () => {
      const host = fresh(kind, 'lb-1');
      const inv = inventory(TWO_MASTERS);
      const first = await runOn(host, haproxy, 'lb-1', { inv });
      assert.equal(first.error, undefined);
      assert.ok(
        first.handlers.every((x) => x === RELOAD),
        first.handlers.join(),
      );
      assert.equal(host.read(CONFIG), LB1_CFG);
      assert.equal(host.sysctls.get('net.ipv4.ip_nonlocal_bind'), '1');
      assert.deepEqual(host.service('haproxy.service'), { enabled: true, active: true });
      const second = await runOn(host, haproxy, 'lb-1', { inv });
      assert.deepEqual([second.counts.changed, second.handlers], [0, []]);
    });
  }

  it('a changed backend list rewrites the config and reloads (no restart)', async () => {
    const host = fresh('debian', 'lb-2');
    await runOn(host, haproxy, 'lb-2');
    const before = host.log.length;
    const r = await runOn(host, haproxy, 'lb-2', { inv: inventory(TWO_MASTERS) });
    assert.deepEqual([r.counts.changed, r.handlers], [1, [RELOAD]]);
    assert.deepEqual(
      host.log.slice(before).filter((a) => a.a === 'systemctl'),
      [{ a: 'systemctl', verb: 'reload', unit: 'haproxy.service' }],
    );
  });

  it('bind any, tcp checks, other ports: no sysctl, *:port, plain checks', () => {
    const r = forHost(haproxy, 'lb-1', { overrides: { haproxy_bind: 'any', haproxy_backend_check: 'tcp', apiserver_port: 8443, haproxy_backend_port: 6443 } });
    assert.deepEqual(
      r.resources.map((x) => x.id),
      ['package:haproxy', 'retired:nginx.service', 'directory:/etc/haproxy', `template:${CONFIG}`, 'service:haproxy.service'],
    );
    const { vars } = r;
    assert.equal(listenCommand(vars), "ss -Hltn 'sport = :8443'");
    assert.equal(healthCommand(vars), 'curl -fsS --max-time 2 -o /dev/null http://127.0.0.1:8404/healthz');
  });

  it('renders healthz checks (expect 200) when asked', async () => {
    const host = fresh('debian', 'lb-1');
    await runOn(host, haproxy, 'lb-1', { overrides: { haproxy_backend_check: 'healthz' } });
    assert.match(host.read(CONFIG)!, /option httpchk GET \/healthz\n {2}http-check expect status 200\n/);
  });

  describe('bad input is refused before any host is touched, naming the field', () => {
    const refuses = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ConfigError && re.test(e.message));
    it('no VIP, no control-plane hosts, bad vars', () => {
      const noVip: InventorySpec = { ...SMALL, groups: { ...SMALL.groups, lb: { hosts: ['lb-1', 'lb-2'] } } };
      refuses(() => forHost(haproxy, 'lb-1', { inv: inventory(noVip) }), /vars\.vip: the haproxy role needs the API's virtual IP/);
      const { masters: _m, ...rest } = SMALL.groups!;
      const noMasters: InventorySpec = { ...SMALL, groups: { ...rest, k8s: { children: ['workers'] } } };
      refuses(() => forHost(haproxy, 'lb-1', { inv: inventory(noMasters) }), /vars\.cluster_groups\.controlPlane: the haproxy role needs controlPlane hosts/);
      refuses(() => forHost(haproxy, 'lb-1', { overrides: { haproxy_health_port: 6443 } }), /var haproxy_health_port: must differ from apiserver_port/);
      refuses(() => forHost(haproxy, 'lb-1', { overrides: { haproxy_timeout: 'ten minutes' } }), /var haproxy_timeout: expected a haproxy time/);
      refuses(() => forHost(haproxy, 'lb-1', { overrides: { apiserver_port: 0 } }), /var apiserver_port:/);
    });
  });
});
