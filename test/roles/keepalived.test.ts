import assert from 'node:assert/strict';
import { ConfigError } from '../../lib/core/errors.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import { FakeHost } from '../../lib/testing/index.js';
import keepalived, { authPass, CONFIG, RELOAD } from '../../roles/keepalived/index.js';
import { CHECK_SCRIPT, CHECKS } from '../../roles/keepalived/config.js';
import { addrCommand, connectCommand, holds, vipGate } from '../../roles/keepalived/gate.js';
import { forHost, inventory, runOn, SMALL } from './helpers.js';

/** SMALL's two lb hosts with an interface and their own priorities. */
const LB = (p1: unknown = 150, p2: unknown = 100, iface: unknown = 'eth0'): InventorySpec => ({
  ...SMALL,
  hosts: {
    ...SMALL.hosts,
    'lb-1': { address: '10.0.0.11', vars: { keepalived_priority: p1 } },
    'lb-2': { address: '10.0.0.12', vars: { keepalived_priority: p2 } },
  },
  groups: { ...SMALL.groups, lb: { hosts: ['lb-1', 'lb-2'], vars: { vip: '10.0.0.10', vip_interface: iface } } },
});

const UNIT = '[Unit]\nDescription=keepalived\n[Service]\nExecStart=/usr/sbin/keepalived\n[Install]\nWantedBy=multi-user.target\n';

const fresh = (kind: 'debian' | 'rhel', name: string) =>
  (kind === 'debian' ? FakeHost.debian(name) : FakeHost.rhel(name)).offer('keepalived', {
    version: '2.2.7',
    files: { '/usr/lib/systemd/system/keepalived.service': UNIT },
  });

const expected = (
  name: string,
  address: string,
  state: string,
  priority: number,
  peer: string,
  pass: string,
) => `# Managed by tsplay (role keepalived) on ${name}; edits here are overwritten.
global_defs {
  router_id ${name}
  script_user root
  enable_script_security
}

vrrp_script chk_haproxy {
  script "/etc/keepalived/check_haproxy.sh"
  interval 1
  timeout 2
  fall 2
  rise 2
}

vrrp_instance VI_51 {
  state ${state}
  interface eth0
  virtual_router_id 51
  priority ${priority}
  advert_int 1
  unicast_src_ip ${address}
  unicast_peer {
    ${peer}
  }
  authentication {
    auth_type PASS
    auth_pass ${pass}
  }
  virtual_ipaddress {
    10.0.0.10/32 dev eth0
  }
  track_script {
    chk_haproxy
  }
}
`;

describe('roles/keepalived', () => {
  for (const kind of ['debian', 'rhel'] as const) {
    it(`${kind}: the highest priority is MASTER, the other BACKUP, unicast to each other; a second run changes nothing`, async () => {
      const inv = inventory(LB());
      const pass = authPass(keepalived.defaults, inv.cluster, '10.0.0.10');
      assert.match(pass, /^[A-Za-z0-9_-]{8}$/);
      for (const [name, address, state, prio, peer] of [
        ['lb-1', '10.0.0.11', 'MASTER', 150, '10.0.0.12'],
        ['lb-2', '10.0.0.12', 'BACKUP', 100, '10.0.0.11'],
      ] as const) {
        const host = fresh(kind, name);
        const first = await runOn(host, keepalived, name, { inv });
        assert.equal(first.error, undefined);
        assert.ok(
          first.handlers.every((x) => x === RELOAD),
          first.handlers.join(),
        );
        assert.equal(host.read(CONFIG), expected(name, address, state, prio, peer, pass));
        assert.equal(host.fs.get(CONFIG)?.mode, 0o640);
        assert.match(host.read(CHECK_SCRIPT)!, /exec curl -fsS --max-time 1 -o \/dev\/null http:\/\/127\.0\.0\.1:8404\/healthz\n$/);
        assert.equal(host.fs.get(CHECK_SCRIPT)?.mode, 0o755);
        assert.deepEqual(host.service('keepalived.service'), { enabled: true, active: true });
        const second = await runOn(host, keepalived, name, { inv });
        assert.deepEqual([second.counts.changed, second.handlers], [0, []]);
      }
    });
  }

  it('the auth password never shows in a diff or a change report', async () => {
    const host = fresh('debian', 'lb-1');
    const r = await runOn(host, keepalived, 'lb-1', { inv: inventory(LB()), overrides: { keepalived_auth_pass: 's3cr3tpw' } });
    assert.match(host.read(CONFIG)!, /auth_pass s3cr3tpw\n/);
    const { redact } = await import('../../lib/core/secret.js');
    assert.doesNotMatch(redact(JSON.stringify(r.events)), /s3cr3tpw/);
  });

  it('priorities swapped in the inventory swap MASTER and BACKUP (a reload, no restart)', async () => {
    const host = fresh('debian', 'lb-2');
    await runOn(host, keepalived, 'lb-2', { inv: inventory(LB()) });
    const before = host.log.length;
    const r = await runOn(host, keepalived, 'lb-2', { inv: inventory(LB(100, 150)) });
    assert.match(host.read(CONFIG)!, /state MASTER\n[\s\S]*priority 150\n/);
    assert.deepEqual(r.handlers, [RELOAD]);
    assert.deepEqual(
      host.log.slice(before).filter((a) => a.a === 'systemctl'),
      [{ a: 'systemctl', verb: 'reload', unit: 'keepalived.service' }],
    );
  });

  describe('the check script follows lb_implementation', () => {
    const withLb = (lb: string): InventorySpec => ({ ...LB(), vars: { ...SMALL.vars, lb_implementation: lb } });
    for (const kind of ['debian', 'rhel'] as const) {
      it(`${kind}: nginx: systemctl is-active nginx, tracked as chk_nginx; haproxy's check stays as it was`, async () => {
        const host = fresh(kind, 'lb-1');
        const inv = inventory(withLb('nginx'));
        const r = await runOn(host, keepalived, 'lb-1', { inv });
        assert.equal(r.error, undefined);
        assert.equal(
          host.read(CHECKS.nginx.path),
          "#!/bin/sh\n# Managed by tsplay (role keepalived). keepalived runs this every second; two failures in a row put this\n# host's VRRP instance in FAULT, which gives up the VIP to the next lb host.\nexec systemctl is-active --quiet nginx.service\n",
        );
        assert.equal(host.fs.get(CHECKS.nginx.path)?.mode, 0o755);
        const conf = host.read(CONFIG)!;
        assert.match(conf, /vrrp_script chk_nginx \{\n {2}script "\/etc\/keepalived\/check_nginx\.sh"\n/);
        assert.match(conf, /track_script \{\n {4}chk_nginx\n {2}\}/);
        assert.doesNotMatch(conf, /haproxy/);
        assert.equal((await runOn(host, keepalived, 'lb-1', { inv })).counts.changed, 0);
      });
    }

    it('switching back and forth rewrites the script and the config, a reload each time (the VIP is not dropped)', async () => {
      const host = fresh('debian', 'lb-1');
      await runOn(host, keepalived, 'lb-1', { inv: inventory(LB()) });
      const haproxyConf = host.read(CONFIG);
      const toNginx = await runOn(host, keepalived, 'lb-1', { inv: inventory(withLb('nginx')) });
      assert.deepEqual([toNginx.counts.changed, toNginx.handlers], [2, [RELOAD]]);
      const back = await runOn(host, keepalived, 'lb-1', { inv: inventory(withLb('haproxy')) });
      assert.deepEqual(back.handlers, [RELOAD]);
      assert.equal(host.read(CONFIG), haproxyConf, 'lb_implementation haproxy is the default, byte for byte');
      assert.match(host.read(CHECK_SCRIPT)!, /127\.0\.0\.1:8404\/healthz/);
    });

    it('-e lb_implementation=nginx reaches the check; an unknown one, or one scoped under keepalived, is refused', () => {
      assert.equal(forHost(keepalived, 'lb-1', { inv: inventory(LB()), extra: { lb_implementation: 'nginx' } }).resources[2]!.id, `file:${CHECKS.nginx.path}`);
      assert.throws(
        () => forHost(keepalived, 'lb-1', { inv: inventory(LB()), extra: { lb_implementation: 'nginxx' } }),
        (e: unknown) =>
          e instanceof ConfigError && /var lb_implementation: expected "haproxy" or "nginx", got "nginxx"\. Did you mean "nginx"\?/.test(e.message),
      );
      const spec = LB();
      const scoped: InventorySpec = {
        ...spec,
        hosts: { ...spec.hosts, 'lb-1': { address: '10.0.0.11', vars: { keepalived_priority: 150, keepalived: { lb_implementation: 'nginx' } } } },
      };
      assert.throws(
        () => forHost(keepalived, 'lb-1', { inv: inventory(scoped) }),
        (e: unknown) => e instanceof ConfigError && /lb_implementation "nginx" for role keepalived only/.test(e.message),
      );
    });
  });

  describe('gate: the VIP on exactly the expected host, serving', () => {
    const IP_WITH = '2: eth0    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\n2: eth0    inet 10.0.0.10/32 scope global eth0\n';
    const IP_WITHOUT = '2: eth0    inet 10.0.0.12/24 brd 10.0.0.255 scope global eth0\n';
    const gate = async (name: string, listing: string, connects = true) => {
      const r = forHost(keepalived, name, { inv: inventory(LB()) });
      const host = FakeHost.debian(name)
        .script(addrCommand(r.vars), { stdout: listing })
        .script(connectCommand('10.0.0.10', 6443), { exitCode: connects ? 0 : 1 });
      return vipGate.check({ host: r.host, vars: r.vars, cluster: r.cluster, exec: (c, o) => host.exec(c, o) });
    };
    it('passes when the MASTER holds it and the BACKUP does not, and both reach VIP:port', async () => {
      await gate('lb-1', IP_WITH);
      await gate('lb-2', IP_WITHOUT);
    });
    it('fails on a missing VIP, a VIP on the wrong host, or a VIP that does not answer', async () => {
      await assert.rejects(gate('lb-1', IP_WITHOUT), /lb-1 has the highest priority but does not hold 10\.0\.0\.10 yet/);
      await assert.rejects(gate('lb-2', IP_WITH.replace('10.0.0.11/24', '10.0.0.12/24')), /lb-2 holds 10\.0\.0\.10 while lb-1 \(higher priority\) should/);
      await assert.rejects(gate('lb-2', IP_WITHOUT, false), /10\.0\.0\.10:6443 refuses connections from lb-2/);
    });
    it('reads ip -o addr exactly (10.0.0.100 is not 10.0.0.10)', () => {
      assert.equal(holds('2: eth0    inet 10.0.0.100/32 scope global eth0', '10.0.0.10'), false);
      assert.equal(holds(IP_WITH, '10.0.0.10'), true);
    });
  });

  describe('bad input is refused before any host is touched, naming the field', () => {
    const refuses = (spec: InventorySpec, re: RegExp, name = 'lb-1', overrides: Record<string, unknown> = {}) =>
      assert.throws(
        () => forHost(keepalived, name, { inv: inventory(spec), overrides }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    it('priority out of 1..254, on this host or a peer', () => {
      refuses(LB(255), /role keepalived on lb-1: var keepalived_priority: expected 1\.\.254/);
      refuses(LB(0), /var keepalived_priority: expected 1\.\.254/);
      refuses(LB(150, 300), /hosts\.lb-2: var keepalived_priority: expected 1\.\.254 .*got 300/);
      refuses(LB(150, 'high'), /hosts\.lb-2: var keepalived_priority: .*got "high"/);
    });
    it('two lb hosts with the same priority', () => {
      refuses(LB(100, 100), /var keepalived_priority: lb-1 and lb-2 both have 100; give each lb host its own/);
    });
    it('vip_interface missing or malformed', () => {
      const spec = LB();
      refuses(
        { ...spec, groups: { ...spec.groups, lb: { hosts: ['lb-1', 'lb-2'], vars: { vip: '10.0.0.10' } } } },
        /role keepalived on lb-1: var vip_interface: set the interface that carries the VIP/,
      );
      refuses(LB(150, 100, 42), /var vip_interface: set the interface/);
      refuses(LB(150, 100, 'eth0; reboot'), /var vip_interface: expected an interface name/);
    });
    it('no VIP, a host outside the lb group, a long password', () => {
      const noVip = LB();
      refuses(
        { ...noVip, groups: { ...noVip.groups, lb: { hosts: ['lb-1', 'lb-2'], vars: { vip_interface: 'eth0' } } } },
        /vars\.vip: the keepalived role needs the API's virtual IP/,
      );
      refuses(LB(), /worker-1 is not an lb host/, 'worker-1', { vip_interface: 'eth0' });
      refuses(LB(), /var keepalived_auth_pass: expected at most 8/, 'lb-1', { keepalived_auth_pass: 'much-too-long' });
    });
  });
});
