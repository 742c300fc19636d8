/**
 * End to end on lab-30 and lab-31 (issue #17): nginx as the API load balancer (lb_implementation: nginx,
 * test/fixtures/inventory/lab-nginx-lb.ts), keepalived holding VIP 10.231.0.8 (router id 78), and as the
 * apiservers small HTTPS stand-ins started on the same two hosts (port 16443, GET /healthz answers ok).
 * Proves through the real CLI: bad input refused before any host is touched; converge; `nginx -t` passes
 * on the rendered file on the host and nginx listens on VIP:6443 alone; a second run changes nothing;
 * /healthz through the VIP answers; a file nginx refuses never replaces the working one; stopping nginx on
 * the VIP holder moves the VIP to the other LB and requests through the VIP keep answering (the gap timed),
 * a run brings it back; switching to haproxy (-e) and back stops and disables the other each time.
 * Each operation's time is printed. Touches lab-30 and lab-31 only.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { onHost, requireLab } from '../integration/lab-hosts.js';
import { failures, on, took, tsplayJson, type Outcome } from './cli.js';

const INV = 'test/fixtures/inventory/lab-nginx-lb.ts';
const HOSTS = ['lab-30', 'lab-31'] as const;
const VIP = '10.231.0.8';
const ADDRESS = { 'lab-30': '10.231.0.40', 'lab-31': '10.231.0.41' } as const;
const STANDIN_PORT = 16443;
const HOLDS = `ip -o addr show dev host0 | grep -q ' ${VIP}/'`;

const run = async (what: string, ...args: string[]) => {
  const o = await tsplayJson(['run', 'playbooks/lb.ts', '-i', INV, ...args]);
  took(what, o);
  return o;
};
const ok = (o: Outcome) => assert.equal(o.code, 0, failures(o));
const touched = (o: Outcome) => o.events.some((e) => e.kind === 'resource' || e.kind === 'play-start');
/** `host resource` of every changed (or would-change) resource. */
const changed = (o: Outcome) =>
  o.events
    .filter((e) => e.kind === 'resource' && (e.status === 'changed' || e.status === 'would-change'))
    .map((e) => `${e.host} ${e.resource}`)
    .sort();
const holders = async () => (await Promise.all(HOSTS.map(async (h) => ((await onHost(h, HOLDS)).code === 0 ? [h] : [])))).flat();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll until `f` holds; the ms it took. */
async function until(what: string, f: () => Promise<boolean>, limitMs: number): Promise<number> {
  const start = Date.now();
  while (!(await f())) {
    if (Date.now() - start > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(100);
  }
  return Date.now() - start;
}

/** The stand-in apiserver: HTTPS on the host's own address, GET /healthz -> 200 ok, naming the backend. */
const STANDIN = `import http.server, socket, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'ok' if self.path == '/healthz' else b'stand-in'
        self.send_response(200 if self.path == '/healthz' else 404)
        self.send_header('X-Backend', socket.gethostname())
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain('/root/standin-api.crt', '/root/standin-api.key')
# The handshake in each request's thread: a bare TCP connect (keepalived's gate) blocks nobody.
srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=False)
srv.serve_forever()
`;

async function startStandin(host: (typeof HOSTS)[number]): Promise<void> {
  await on(
    host,
    [
      'systemctl stop tsplay-standin-api 2>/dev/null; systemctl reset-failed tsplay-standin-api 2>/dev/null',
      `cat > /root/standin-api.py <<'PY'\n${STANDIN}PY`,
      'test -s /root/standin-api.crt || openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /root/standin-api.key -out /root/standin-api.crt -days 7 -subj /CN=standin-api 2>/dev/null',
      `systemd-run --quiet --unit tsplay-standin-api python3 /root/standin-api.py ${ADDRESS[host]} ${STANDIN_PORT}`,
      // No `exit` here: onHost echoes the exit code after the command.
      `for i in $(seq 50); do ss -Hltn 'sport = :${STANDIN_PORT}' | grep -q . && break; sleep 0.1; done; ss -Hltn 'sport = :${STANDIN_PORT}' | grep -q .`,
    ].join('\n'),
  );
}

/** One GET /healthz through the VIP: the backend that answered, or throws. */
function healthz(timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: VIP, port: 6443, path: '/healthz', rejectUnauthorized: false, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        res.statusCode === 200 && body === 'ok' ? resolve(String(res.headers['x-backend'])) : reject(new Error(`${res.statusCode} ${body}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A client through the VIP every 100 ms: answers and failures counted, with when they happened. */
function poller() {
  const log: { at: number; ok: boolean; what: string }[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const at = Date.now();
      try {
        log.push({ at, ok: true, what: await healthz(1000) });
      } catch (e) {
        log.push({ at, ok: false, what: (e as Error).message });
      }
      await sleep(100);
    }
  })();
  return { log, stop: async () => ((stop = true), await loop, log) };
}

describe('e2e: nginx as the API load balancer on lab-30 and lab-31, VIP 10.231.0.8', function () {
  this.timeout(900_000);

  before(async function () {
    await requireLab(this, 31);
    const t = Date.now();
    await Promise.all(HOSTS.map(startStandin));
    console.log(`      stand-in apiservers on lab-30, lab-31 (:${STANDIN_PORT}): ${((Date.now() - t) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    // Whatever failed midway: nginx and keepalived back on (a later run of the suite starts from there).
    await Promise.all(HOSTS.map((h) => onHost(h, 'systemctl start nginx keepalived')));
  });

  it('refuses bad input before any host is touched: an unknown lb_implementation, with did-you-mean', async () => {
    const o = await tsplayJson(['run', 'playbooks/lb.ts', '-i', INV, '-e', 'lb_implementation=ngnix']);
    assert.equal(o.code, 1, o.stderr);
    assert.match(o.stderr, /var lb_implementation: expected "haproxy" or "nginx", got "ngnix"\. Did you mean "nginx"\?/);
    assert.ok(!touched(o), 'no play started');
  });

  it('converges; nginx -t passes on the rendered file on each host, nginx listens on VIP:6443 only; a second run and --check change nothing', async () => {
    ok(await run('lb.ts (nginx)'));
    for (const h of HOSTS) {
      assert.match(await on(h, 'nginx -t -c /etc/nginx/nginx.conf 2>&1'), /syntax is ok[\s\S]*test is successful/);
      assert.match(await on(h, 'head -1 /etc/nginx/nginx.conf'), /^# Managed by tsplay \(role nginx-lb\) on lab-3[01]/);
      const listening = (await on(h, "ss -Hltnp | grep '((\"nginx\"' | awk '{print $4}' | sort -u")).split('\n');
      assert.deepEqual(listening, [`${VIP}:6443`], `${h}: only the stream proxy listens`);
      assert.equal(await on(h, 'systemctl is-enabled nginx; systemctl is-active nginx'), 'enabled\nactive');
      assert.match(await on(h, 'cat /etc/keepalived/check_nginx.sh'), /exec systemctl is-active --quiet nginx\.service/);
    }
    const again = await run('lb.ts again');
    ok(again);
    assert.deepEqual(changed(again), [], 'a second run changes nothing');
    const check = await run('lb.ts --check');
    ok(check);
    assert.deepEqual(changed(check), []);
  });

  it('/healthz through the VIP answers, from both backends; the VIP is on lab-30 alone', async () => {
    assert.deepEqual(await holders(), ['lab-30']);
    const seen = new Set<string>();
    const t = Date.now();
    for (let i = 0; i < 20; i++) seen.add(await healthz());
    console.log(`      20 x GET /healthz through the VIP: ${Date.now() - t} ms, answered by ${[...seen].sort().join(', ')}`);
    assert.deepEqual([...seen].sort(), ['lab-30', 'lab-31'], 'round robin over both stand-ins');
  });

  it('a file nginx -t refuses fails the hosts with its message and never replaces the working one', async () => {
    const sum = async () => Promise.all(HOSTS.map((h) => on(h, 'sha256sum /etc/nginx/nginx.conf')));
    const before = await sum();
    const o = await run('lb.ts -e nginx_connect_timeout=99999999999999999d', '-e', 'nginx_connect_timeout=99999999999999999d');
    assert.notEqual(o.code, 0);
    assert.match(JSON.stringify(o.events), /proxy_connect_timeout\\?" directive invalid value/);
    assert.deepEqual(await sum(), before, 'nginx.conf unchanged');
    for (const h of HOSTS) assert.equal((await onHost(h, 'test -e /etc/nginx/nginx.conf.tsplay-new')).code, 1, `${h}: no staged file left`);
    assert.equal(await healthz().then(() => 'ok'), 'ok', 'nginx still serves');
  });

  it('stopping nginx on the VIP holder moves the VIP to lab-31; requests through the VIP keep answering; a run brings it back', async () => {
    const poll = poller();
    await sleep(1000);
    const stopped = Date.now();
    await on('lab-30', 'systemctl stop nginx');
    const moved = await until('VIP on lab-31', async () => (await onHost('lab-31', HOLDS)).code === 0, 20_000);
    // Then requests answer again: a few in a row, all from lab-31's nginx.
    await until(
      'answers again',
      async () =>
        poll.log
          .filter((x) => x.at > stopped)
          .slice(-5)
          .filter((x) => x.ok).length === 5,
      20_000,
    );
    await sleep(2000);
    const log = await poll.stop();
    const after = log.filter((x) => x.at >= stopped);
    const failed = after.filter((x) => !x.ok);
    const gap = failed.length ? failed.at(-1)!.at - failed[0]!.at + 100 : 0;
    console.log(
      `      nginx stopped on lab-30: VIP on lab-31 after ${moved} ms; through the VIP ${after.filter((x) => x.ok).length} ok, ${failed.length} failed (gap about ${gap} ms)`,
    );
    assert.deepEqual(await holders(), ['lab-31']);
    assert.ok(
      log.filter((x) => x.at < stopped).every((x) => x.ok),
      'all answered before',
    );
    assert.ok(
      after.slice(-10).every((x) => x.ok),
      `requests answer through lab-31: ${JSON.stringify(after.slice(-10))}`,
    );
    assert.ok(gap < 10_000, `the gap is short: ${gap} ms`);

    const back = await run('lb.ts (nginx started again)');
    ok(back);
    assert.deepEqual(changed(back), ['lab-30 service:nginx.service']);
    const returned = await until('VIP back on lab-30', async () => (await holders()).join() === 'lab-30', 20_000);
    console.log(`      VIP back on lab-30 ${returned} ms after the run (preempt)`);
    await healthz();
    const again = await run('lb.ts again');
    ok(again);
    assert.deepEqual(changed(again), []);
  });

  it('switching to haproxy (-e lb_implementation=haproxy) and back stops and disables the other; /healthz answers after each', async () => {
    const state = async (h: string, unit: string) => (await onHost(h, `systemctl is-enabled ${unit}; systemctl is-active ${unit}`)).out.trim();
    const toHaproxy = await run('lb.ts -e lb_implementation=haproxy', '-e', 'lb_implementation=haproxy');
    ok(toHaproxy);
    for (const h of HOSTS) {
      assert.equal(await state(h, 'haproxy'), 'enabled\nactive', h);
      assert.equal(await state(h, 'nginx'), 'disabled\ninactive', h);
      assert.match(await on(h, 'grep -c chk_haproxy /etc/keepalived/keepalived.conf'), /^2$/);
    }
    assert.ok(changed(toHaproxy).includes('lab-30 retired:nginx.service'), changed(toHaproxy).join('\n'));
    await until(
      'haproxy answers through the VIP',
      () =>
        healthz().then(
          () => true,
          () => false,
        ),
      20_000,
    );
    const haproxyAgain = await run('lb.ts -e lb_implementation=haproxy again', '-e', 'lb_implementation=haproxy');
    ok(haproxyAgain);
    assert.deepEqual(changed(haproxyAgain), []);

    const toNginx = await run('lb.ts (back to nginx)');
    ok(toNginx);
    for (const h of HOSTS) {
      assert.equal(await state(h, 'nginx'), 'enabled\nactive', h);
      assert.equal(await state(h, 'haproxy'), 'disabled\ninactive', h);
    }
    assert.ok(changed(toNginx).includes('lab-30 retired:haproxy.service'), changed(toNginx).join('\n'));
    await until(
      'nginx answers through the VIP',
      () =>
        healthz().then(
          () => true,
          () => false,
        ),
      20_000,
    );
    assert.deepEqual(await holders(), ['lab-30']);
    const again = await run('lb.ts again (nginx)');
    ok(again);
    assert.deepEqual(changed(again), [], 'a second run changes nothing');
  });
});
