/**
 * The roles against the upstream reference of the pinned release (test/fixtures/standins/upstream, derived
 * from the Kubernetes 1.34 command-line and config-API references and flannel's flag definitions): every
 * flag each role renders, and every field of each config file it writes, with the default vars and with the
 * lab inventory's, must be known to the release and not deprecated; each value must parse the way the
 * binary parses its type (run through the packed stand-ins' own parser, python3). And the packed stand-ins
 * accept exactly the upstream flags: an unknown one exits like the real binary, a deprecated one is logged
 * and accepted, a mistyped value is refused, and an unknown config field fails the start or is logged, as the
 * binary's decoder does (kube-scheduler v1 strict; kubelet v1beta1 and kube-proxy v1alpha1 lenient).
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { parse, stringify } from 'yaml';
import type { Host } from '../../lib/core/model.js';
import type { InventorySpec } from '../../lib/dsl/inventory.js';
import type { Inventory } from '../../lib/inventory/index.js';
import labCluster from '../../inventory/lab-cluster.js';
import apiserver, { componentFlags, type ApiserverVars } from '../../roles/apiserver/index.js';
import { schedulerConfigYaml } from '../../roles/apiserver/scheduler-config.js';
import { TABLE } from '../../roles/cluster/artifacts.js';
import { topology } from '../../roles/cluster/index.js';
import flannel, { type FlannelVars } from '../../roles/flannel/index.js';
import { flanneldFlags } from '../../roles/flannel/config.js';
import kubeProxy, { type KubeProxyVars } from '../../roles/kube-proxy/index.js';
import { kubeProxyConfigYaml, kubeProxyUnit } from '../../roles/kube-proxy/config.js';
import kubelet, { type KubeletVars } from '../../roles/kubelet/index.js';
import { kubeletConfigYaml } from '../../roles/kubelet/config.js';
import { kubeletFlags } from '../../roles/kubelet/unit.js';
import { STANDIN_API_LIMITS } from '../fixtures/standins/limits.js';
import { standinScript } from '../fixtures/standins/pack.js';
import { derivedFiles, UPSTREAM_DIR } from '../fixtures/standins/upstream/derive.js';
import { upstreamOf, UPSTREAM_COMPONENTS, type FieldSpec } from '../fixtures/standins/upstream/index.js';
import { tempDir } from '../pki/helpers.js';
import { hostOf, inventory, SMALL, varsFor } from './helpers.js';

/** What one binary is started with on one host: its flags, and the config file --config names (YAML). */
interface Rendered {
  readonly component: string;
  readonly host: string;
  readonly args: readonly string[];
  readonly config?: string;
}

/** `--name=value` words of a systemd ExecStart (continuation lines joined; the roles never quote these values). */
function execStartArgs(unit: string): string[] {
  const m = /^ExecStart=((?:.*\\\n)*.*)$/m.exec(unit);
  assert.ok(m, 'no ExecStart line');
  return m[1]!.replace(/\\\n/g, ' ').split(/\s+/).filter(Boolean).slice(1);
}

const flagWords = (flags: Readonly<Record<string, string>>): string[] =>
  Object.keys(flags)
    .sort()
    .map((k) => `--${k}=${flags[k]!}`);

/** Every binary the roles start on every host of `inv`, with what they render for it. */
function rendered(inv: Inventory): Rendered[] {
  const out: Rendered[] = [];
  const on = (group: string): Host[] => inv.hosts.filter((h) => h.groups.includes(group));
  for (const host of on('masters')) {
    const v = varsFor<ApiserverVars>(apiserver, host);
    const flags = componentFlags(v, host, inv.cluster);
    out.push({ component: 'kube-apiserver', host: host.name, args: flagWords(flags['kube-apiserver']) });
    out.push({ component: 'kube-controller-manager', host: host.name, args: flagWords(flags['kube-controller-manager']) });
    out.push({ component: 'kube-scheduler', host: host.name, args: flagWords(flags['kube-scheduler']), config: schedulerConfigYaml(v) });
  }
  const t = topology(inv.cluster);
  for (const host of on('k8s')) {
    const kv = varsFor<KubeletVars>(kubelet, host);
    out.push({
      component: 'kubelet',
      host: host.name,
      args: kubeletFlags(kv, host),
      config: kubeletConfigYaml(kv, { clusterDns: t.clusterDns, domain: t.domain }),
    });
    const pv = varsFor<KubeProxyVars>(kubeProxy, host);
    out.push({ component: 'kube-proxy', host: host.name, args: execStartArgs(kubeProxyUnit(pv)), config: kubeProxyConfigYaml(pv, host, t.podCidr) });
    out.push({ component: 'flanneld', host: host.name, args: flanneldFlags(varsFor<FlannelVars>(flannel, host), host) });
  }
  return out;
}

/** What the pinned release would refuse or warn about: flags and config keys it does not know, or deprecates. */
function problems(r: Rendered): string[] {
  const up = upstreamOf(r.component)!;
  const found: string[] = [];
  for (const arg of r.args) {
    const name = /^--?([^=]+)/.exec(arg)?.[1] ?? arg;
    const flag = up.flags.flags[name];
    if (!flag) found.push(`${r.component} on ${r.host}: --${name} is not a flag of ${up.flags.version}`);
    else if (flag.deprecated) found.push(`${r.component} on ${r.host}: --${name} is deprecated in ${up.flags.version}`);
  }
  if (r.config !== undefined) {
    const cfg = up.config!;
    const doc = parse(r.config) as Record<string, unknown>;
    if (doc['apiVersion'] !== cfg.apiVersion || doc['kind'] !== cfg.kind)
      found.push(`${r.component} on ${r.host}: config is ${String(doc['apiVersion'])} ${String(doc['kind'])}, not ${cfg.apiVersion} ${cfg.kind}`);
    const walk = (obj: Record<string, unknown>, fields: Readonly<Record<string, FieldSpec>>, at: string): void => {
      for (const [key, value] of Object.entries(obj)) {
        const path = at ? `${at}.${key}` : key;
        const field = fields[key];
        if (!field) found.push(`${r.component} on ${r.host}: ${cfg.kind} has no field ${path} in ${cfg.version}`);
        else if (field.deprecated) found.push(`${r.component} on ${r.host}: ${cfg.kind} field ${path} is deprecated in ${cfg.version}`);
        else if (field.fields && value && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, field.fields, path);
      }
    };
    walk(doc, cfg.fields, '');
  }
  return found;
}

const INVENTORIES: readonly (readonly [string, InventorySpec])[] = [
  ['the default vars (test inventory)', SMALL],
  [
    'the lab (inventory/lab-cluster.ts, as test/fixtures/inventory/lab-standins.ts uses it)',
    { ...labCluster, vars: { ...labCluster.vars, ...STANDIN_API_LIMITS } },
  ],
];

describe('upstream flags and config fields (the pinned release)', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup(): void };
  before(() => (tmp = tempDir()));
  after(() => tmp.cleanup());

  interface Run {
    readonly code: number | null;
    readonly stderr: string;
  }

  /** Run packed stand-ins (python3, in the temp dir), all at once: [name, args] -> exit code and stderr. */
  async function runStandins(runs: readonly (readonly [string, readonly string[]])[]): Promise<Run[]> {
    return Promise.all(
      runs.map(([name, args], i) => {
        // Each in its own dir, under its own name (the stand-ins name themselves after argv[0]).
        const script = join(tmp.dir, `run-${i}`, name);
        mkdirSync(dirname(script), { recursive: true });
        writeFileSync(script, standinScript(name), { mode: 0o755 });
        return new Promise<Run>((ok) =>
          execFile('python3', [script, ...args], { cwd: tmp.dir, timeout: 30000 }, (err, _out, stderr) =>
            ok({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stderr }),
          ),
        );
      }),
    );
  }

  /**
   * The stand-ins' own parser (standin_common.py, as pack.ts inlines it, with each case's upstream data) run
   * on many renders in one python3 process: parse_flags on the flags (no file checks: the files they name are
   * not on this machine) and check_config on the config file --config would name.
   */
  function parseLikeTheBinary(cases: readonly Rendered[]): Run[] {
    const common = readFileSync(new URL('../fixtures/standins/standin_common.py', import.meta.url), 'utf8');
    const input = cases.map((r, i) => {
      const config = r.config === undefined ? null : join(tmp.dir, `${r.component}-${i}.yaml`);
      if (config) writeFileSync(config, r.config!);
      return { upstream: upstreamOf(r.component), args: r.args.filter((a) => !a.startsWith('--config=')), config };
    });
    const driver = `${common}
import io
results = []
for c in json.loads(sys.stdin.read()):
    UPSTREAM, err, code = c['upstream'], io.StringIO(), 0
    sys.stderr = err
    try:
        parse_flags(c['args'], {})
        if c['config']:
            check_config(c['config'], upstream()['config'])
    except SystemExit as e:
        code = e.code
    sys.stderr = sys.__stderr__
    results.append({'code': code, 'stderr': err.getvalue()})
print(json.dumps(results))
`;
    const script = join(tmp.dir, 'parse-driver.py');
    writeFileSync(script, driver);
    const p = spawnSync('python3', [script], { cwd: tmp.dir, encoding: 'utf8', input: JSON.stringify(input), timeout: 30000, maxBuffer: 64 << 20 });
    assert.equal(p.status, 0, p.stderr);
    return JSON.parse(p.stdout) as Run[];
  }

  it('the data files are what derive.ts derives from the reduced reference tables (re-run it after editing a table)', () => {
    const files = derivedFiles();
    assert.deepEqual(
      files
        .map(([f]) => f.replace(/\.(flags|fields)\.json$/, ''))
        .filter((f) => !f.includes('-config.'))
        .sort(),
      [...UPSTREAM_COMPONENTS].sort(),
    );
    for (const [name, json] of files)
      assert.equal(readFileSync(join(UPSTREAM_DIR, name), 'utf8'), json, `${name} is stale: run test/fixtures/standins/upstream/derive.ts`);
    for (const c of UPSTREAM_COMPONENTS) {
      const up = upstreamOf(c)!;
      assert.match(up.flags.source, /@ [0-9a-f]{40}|stored by the search index/, `${c}: the source names its commit`);
      // The data is of the release roles/cluster/artifacts.ts pins: a new pin needs its reference re-derived.
      const pinned = c === 'flanneld' ? `v${TABLE.flannel.version}` : `v${TABLE.kubernetes.version.split('.').slice(0, 2).join('.')}`;
      assert.equal(up.flags.version, pinned, `${c}: flags of the pinned release`);
      if (up.config) assert.equal(up.config.version, pinned, `${c}: config fields of the pinned release`);
    }
  });

  for (const [label, spec] of INVENTORIES) {
    it(`${label}: every rendered flag and config field is known to the pinned release and not deprecated`, () => {
      const all = rendered(inventory(spec));
      assert.deepEqual([...new Set(all.map((r) => r.component))].sort(), [...UPSTREAM_COMPONENTS].sort(), 'every component with upstream data is rendered');
      assert.deepEqual(all.flatMap(problems), []);
    });

    it(`${label}: every rendered value parses as the binary parses its type (the stand-ins' parser)`, () => {
      const all = rendered(inventory(spec));
      const results = parseLikeTheBinary(all);
      all.forEach((r, i) => {
        assert.equal(results[i]!.code, 0, `${r.component} on ${r.host}: ${results[i]!.stderr}`);
        assert.equal(results[i]!.stderr, '', `${r.component} on ${r.host}`);
      });
    });
  }

  it('the check itself: a flag or field unknown to the release, or deprecated, is named', () => {
    const inv = inventory(SMALL);
    const host = hostOf(inv, 'master-1');
    const v = varsFor<ApiserverVars>(apiserver, host, {
      scheduler_extra_args: { kubeconfig: '/etc/kubernetes/scheduler.conf' },
      apiserver_extra_args: { 'insecure-port': '0' },
    });
    const flags = componentFlags(v, host, inv.cluster);
    const named = (r: Rendered) => problems(r).map((p) => p.replace(/ (in|of) v1\.34$/, ''));
    assert.deepEqual(named({ component: 'kube-scheduler', host: 'master-1', args: flagWords(flags['kube-scheduler']) }), [
      'kube-scheduler on master-1: --kubeconfig is deprecated',
    ]);
    assert.deepEqual(named({ component: 'kube-apiserver', host: 'master-1', args: flagWords(flags['kube-apiserver']) }), [
      'kube-apiserver on master-1: --insecure-port is not a flag',
    ]);
    const kv = varsFor<KubeletVars>(kubelet, hostOf(inv, 'worker-1'), {
      kubelet_extra_config: { streamingConnectionIdleTimeout: '4h', containerRuntime: 'remote', authentication: { x509: { clientCAfile: '/x' } } },
    });
    const t = topology(inv.cluster);
    assert.deepEqual(
      named({ component: 'kubelet', host: 'worker-1', args: [], config: kubeletConfigYaml(kv, { clusterDns: t.clusterDns, domain: t.domain }) }),
      [
        'kubelet on worker-1: KubeletConfiguration has no field authentication.x509.clientCAfile',
        'kubelet on worker-1: KubeletConfiguration field streamingConnectionIdleTimeout is deprecated',
        'kubelet on worker-1: KubeletConfiguration has no field containerRuntime',
      ],
    );
  });

  it('the packed stand-ins refuse an unknown flag the way the real binary does', async () => {
    const runs = await runStandins(UPSTREAM_COMPONENTS.map((name) => [name, ['--tsplay-no-such-flag=1']] as const));
    UPSTREAM_COMPONENTS.forEach((name, i) => {
      const r = runs[i]!;
      if (name === 'flanneld') {
        // flanneld parses with Go's flag package (flag.ExitOnError): exit 2.
        assert.deepEqual([r.code, r.stderr.trim()], [2, 'flag provided but not defined: -tsplay-no-such-flag'], name);
      } else {
        assert.equal(r.code, 1, name);
        assert.match(r.stderr, /error: unknown flag: --tsplay-no-such-flag\n$/, name);
      }
    });
    const [other, short] = await runStandins([
      ['kube-scheduler', ['--etcd-servers=https://127.0.0.1:2379']],
      ['kubelet', ['-x']],
    ]);
    assert.match(other!.stderr, /unknown flag: --etcd-servers/, 'a flag another component has is still unknown to this one');
    assert.match(short!.stderr, /unknown shorthand flag: 'x' in -x/);
  });

  it("a deprecated but known flag is logged as deprecated and accepted (the run goes on to the stand-in's own checks)", async () => {
    const [scheduler, proxy, kubeletRun] = await runStandins([
      ['kube-scheduler', ['--profiling=false']],
      ['kube-proxy', ['--metrics-port', '10249']],
      ['kubelet', ['--register-node=true', '--v=2']],
    ]);
    assert.equal(scheduler!.code, 1);
    assert.match(scheduler!.stderr, /Flag --profiling has been deprecated\n.*required flag\(s\) missing: --kubeconfig or --config/);
    assert.match(proxy!.stderr, /Flag --metrics-port has been deprecated\n.*required flag\(s\) missing: --config or --kubeconfig/);
    assert.match(kubeletRun!.stderr, /Flag --register-node has been deprecated\n.*required flag\(s\) missing: --config, --kubeconfig/);
    assert.doesNotMatch(scheduler!.stderr + proxy!.stderr + kubeletRun!.stderr, /unknown flag/);
  });

  it("a value is checked the way pflag (or Go's flag package) parses its type; a bool flag takes no separate value", async () => {
    const cases: [string, string[], RegExp][] = [
      ['kube-apiserver', ['--secure-port=https'], /invalid argument "https" for "--secure-port" flag: strconv.ParseInt: parsing "https": invalid syntax/],
      ['kube-apiserver', ['--allow-privileged=yes'], /invalid argument "yes" for "--allow-privileged" flag: strconv.ParseBool: parsing "yes": invalid syntax/],
      ['kube-apiserver', ['--event-ttl=1'], /invalid argument "1" for "--event-ttl" flag: time: invalid duration "1"/],
      ['kube-controller-manager', ['--node-cidr-mask-size=4294967296'], /value out of range/],
      ['kube-proxy', ['--bind-address=node-1'], /"node-1" is not a valid IP address/],
      ['kube-proxy', ['--healthz-bind-address=localhost:10256'], /is not in a valid format \(ip or ip:port\)/],
      ['kubelet', ['--node-labels=role'], /malformed pair, expect string=string/],
      ['kube-scheduler', ['--leader-elect', 'false'], /"kube-scheduler" does not take any arguments, got \["false"\]/],
      ['kube-apiserver', ['--etcd-servers'], /flag needs an argument: --etcd-servers/],
      ['flanneld', ['-healthz-port=x'], /invalid value "x" for flag -healthz-port: parse error/],
    ];
    const runs = await runStandins(cases.map(([name, args]) => [name, args] as const));
    cases.forEach(([name, args, want], i) => {
      assert.notEqual(runs[i]!.code, 0, `${name} ${args.join(' ')}`);
      assert.match(runs[i]!.stderr, want, `${name} ${args.join(' ')}`);
    });
  });

  it('the config file --config names is decoded against the upstream field list, strictly or leniently as the binary does', async () => {
    const inv = inventory(SMALL);
    const host = hostOf(inv, 'worker-1');
    const t = topology(inv.cluster);
    const proxy = parse(kubeProxyConfigYaml(varsFor<KubeProxyVars>(kubeProxy, host), host, t.podCidr)) as Record<string, unknown>;
    const sched = parse(schedulerConfigYaml(varsFor<ApiserverVars>(apiserver, hostOf(inv, 'master-1')))) as Record<string, unknown>;
    const write = (name: string, doc: unknown): string => {
      const path = join(tmp.dir, name);
      writeFileSync(path, stringify(doc));
      return path;
    };
    const [lenient, strict, nested, version, real] = await runStandins([
      [
        'kube-proxy',
        [`--config=${write('proxy-typo.yaml', { ...proxy, clusterCidr: '10.244.0.0/16', clientConnection: { kubeconfig: '/x', kubeConfig: '/y' } })}`],
      ],
      ['kube-scheduler', [`--config=${write('sched-typo.yaml', { ...sched, parallelizm: 16 })}`]],
      ['kube-scheduler', [`--config=${write('sched-nested.yaml', { ...sched, leaderElection: { leaderElect: true, leaseDuraton: '15s' } })}`]],
      ['kube-scheduler', [`--config=${write('sched-version.yaml', { ...sched, apiVersion: 'kubescheduler.config.k8s.io/v1beta3' })}`]],
      ['kube-proxy', [`--config=${write('proxy.yaml', proxy)}`]],
    ]);
    // kube-proxy (v1alpha1), like the kubelet (v1beta1), falls back to lenient decoding and says so.
    assert.match(
      lenient!.stderr,
      /proxy-typo\.yaml: Using lenient decoding as strict decoding failed: strict decoding error: unknown field "clientConnection.kubeConfig", unknown field "clusterCidr"\n/,
    );
    assert.match(lenient!.stderr, /clientConnection.kubeconfig: \/x: no such file/, 'and goes on');
    // kube-scheduler (v1) refuses to start.
    assert.equal(strict!.code, 1);
    assert.match(strict!.stderr, /sched-typo\.yaml: strict decoding error: unknown field "parallelizm"\n$/);
    assert.match(nested!.stderr, /strict decoding error: unknown field "leaderElection.leaseDuraton"/);
    assert.match(version!.stderr, /no kind "KubeSchedulerConfiguration" is registered for version "kubescheduler.config.k8s.io\/v1beta3"/);
    // The role's own config passes, and the run goes on to the stand-in's check of the kubeconfig it names.
    assert.doesNotMatch(real!.stderr, /decoding/);
    assert.match(real!.stderr, /clientConnection.kubeconfig: \/etc\/kubernetes\/kube-proxy.conf: no such file/);
  });
});
