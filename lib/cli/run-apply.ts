/** `tsplay run` once the plays are compiled: check the hosts, prepare, run, report, record (loaded only for a run that applies). */
import { Chalk, supportsColor } from 'chalk';
import { parseMirrorBase, type ArtifactMirror } from '../core/artifact-mirror.js';
import { ConfigError } from '../core/errors.js';
import { onMirrorFallback } from '../core/mirror-fallback.js';
import { WARNING_STEP } from '../core/resource.js';
import { redact } from '../core/secret.js';
import type { Inventory } from '../inventory/index.js';
import { shown } from '../inventory/load-module.js';
import { consoleReporter, exitBits, jsonReporter, printable, type Reporter } from '../report/index.js';
import { htmlReporter } from '../report/html/index.js';
import { multiReporter } from '../report/multi.js';
import type { CompiledPlay } from '../runner/compile.js';
import { prepareAll } from '../runner/prepare.js';
import { runPlaybook } from '../runner/run.js';
import { assertConnectable, assertSshReady, openDriver } from './connect.js';
import { sshSettings } from './connection-flags.js';
import { openedDrivers } from './drivers.js';
import type { MainIO } from './main.js';
import { planRecorder, planReplayer, planSource, tsplayVersion } from './plan-flags.js';
import type { RunFlags } from './program.js';
import { defaultRetryFile, updateRetryFile } from './retry.js';

export async function applyPlays({
  playbookFile,
  flags: f,
  io,
  inv,
  plays,
  vars,
}: {
  playbookFile: string;
  flags: RunFlags;
  io: MainIO;
  inv: Inventory;
  plays: CompiledPlay[];
  vars: Record<string, string>;
}): Promise<number> {
  const hosts = plays.flatMap((p) => p.hosts);
  if (hosts.length === 0) throw new ConfigError("no host to run on: the plays' host patterns leave none", f.limit ? '--limit' : shown(playbookFile));
  if (!io.connect) assertConnectable(hosts);
  const ssh = sshSettings(f);
  await assertSshReady(hosts, inv, ssh);
  const mode = f.check ? 'check' : 'apply';
  if (f.planOut && mode !== 'check') throw new ConfigError('--plan-out records a check run: add --check', '--plan-out');
  if (f.plan && mode === 'check') throw new ConfigError('--plan applies a plan: leave out --check', '--plan');
  const source =
    f.planOut || f.plan ? planSource({ version: tsplayVersion(), playbook: playbookFile, inventory: f.inventory, vars, plays, flags: f }) : undefined;
  const recorder = f.planOut ? planRecorder(f.planOut, source!) : undefined;
  const planHook = recorder?.hook ?? (f.plan ? planReplayer(f.plan, source!) : undefined);
  const reporter = makeReporter(f, io);
  io.onInterrupt?.(() => reporter.close?.());
  const drivers = openedDrivers(io.connect ?? ((host) => openDriver(host, inv, ssh)));
  let mirror: RunMirror | undefined;
  // A host that could not fetch from its mirror and got the file over SSH is a warning of this run.
  onMirrorFallback((text) => reporter.emit({ kind: 'controller', step: WARNING_STEP, text }));
  try {
    mirror = await artifactMirror(f);
    // Controller-side work (certificates, artifacts) is done before any host is touched, and shown first.
    await prepareAll(plays, { mode, note: (step, text) => reporter.emit({ kind: 'controller', step, text }) }, mirror?.mirror);
    const stats = await runPlaybook(
      plays,
      inv.cluster,
      {
        playbook: shown(playbookFile),
        mode,
        diff: f.diff === true,
        verify: f.verify === true,
        ...(f.forks ? { forks: f.forks } : {}),
        lockTimeoutMs: f.lockTimeout * 1000,
        startupMs: Math.round(performance.now()),
        ...(planHook ? { plan: planHook } : {}),
      },
      { connect: drivers.connect, reporter },
    );
    recorder?.save();
    if (mode === 'apply') {
      const note = updateRetryFile(f.retryFile ?? defaultRetryFile(playbookFile), stats, `tsplay run ${shown(playbookFile)} -i ${f.inventory}`);
      if (note) io.stderr.write(printable(redact(note)));
    }
    return exitBits(stats);
  } finally {
    reporter.close?.();
    await drivers.closeAll();
    await mirror?.close();
    onMirrorFallback();
  }
}

interface RunMirror {
  readonly mirror: ArtifactMirror;
  close(): Promise<void>;
}

/**
 * --serve-artifacts starts the run's artifact server, --artifact-mirror names one: either is every host's
 * mirror for this run, over -e and the inventory's artifact_mirror (core/artifact-mirror.ts).
 */
async function artifactMirror(f: RunFlags): Promise<RunMirror | undefined> {
  if (f.serveArtifacts && f.artifactMirror) throw new ConfigError('give --serve-artifacts or --artifact-mirror, not both', '--serve-artifacts');
  if (f.artifactMirror) return { mirror: { base: parseMirrorBase(f.artifactMirror, '--artifact-mirror') }, close: async () => {} };
  if (!f.serveArtifacts) return undefined;
  const served = await (await import('../artifacts/serve.js')).serveArtifacts(f.serveArtifacts);
  return { mirror: served.mirror, close: () => served.close() };
}

function makeReporter(f: RunFlags, io: MainIO): Reporter {
  const main = mainReporter(f, io);
  // The HTML page is written at close, after the console's last line, also when the run failed.
  return f.report ? multiReporter(main, htmlReporter({ file: f.report, note: (t) => io.stderr.write(printable(t)) })) : main;
}

function mainReporter(f: RunFlags, io: MainIO): Reporter {
  if (f.json) return jsonReporter(io.stdout);
  const level = io.tty ? (supportsColor ? supportsColor.level : 1) : 0;
  return consoleReporter({ out: io.stdout, err: io.stderr, chalk: new Chalk({ level }), tty: io.tty, verbose: f.verbose, diff: f.diff === true });
}
