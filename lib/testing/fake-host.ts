/**
 * FakeHost: an in-memory host for tests, implementing HostDriver by interpreting queries and actions
 * directly. It rejects what a real host would reject (a failed group with exit code and stderr) and
 * throws on what cannot be right (an unscripted command; starting a unit whose file changed since the
 * last daemon-reload). Round trips are counted like the shell driver's: one per query batch, one per
 * action batch plus one per upload, one per exec.
 */
import type { ExecOptions, ExecResult } from '../core/connection.js';
import type { ActOptions, ActResult, HostDriver, HostSession, Probe, RunClaim } from '../core/driver.js';
import type { Action, HostFacts, Query } from '../core/ops.js';
import { applyAction } from './fake-act.js';
import { HostFailure } from './fake-failure.js';
import type { NodeAttrs } from './fake-fs.js';
import { debianFacts, rhelFacts, seedBase } from './fake-presets.js';
import { answer } from './fake-query.js';
import { FakeRuns } from './fake-session.js';
import { FakeState, type CommandReply, type PackageSpec } from './fake-state.js';

export class FakeHost extends FakeState implements HostDriver {
  #trips = 0;
  /** Every action applied, in order (those of a failed group up to the failure). */
  readonly log: Action[] = [];
  /** The run lock and the pending-handler journal (keys in `runs.journal`). */
  readonly runs = new FakeRuns();
  #claim: RunClaim | undefined;
  /** A begun run's lock: calls wait for it, as the shell driver's do (a refusal fails them too). */
  #opening: Promise<unknown> | undefined;

  constructor(
    readonly host = 'fake',
    facts: HostFacts = debianFacts(host),
  ) {
    super(facts);
  }

  /** A Debian 12 host: apt, systemd, the usual directories, root and nobody. */
  static debian(name = 'debian'): FakeHost {
    const h = new FakeHost(name, debianFacts(name));
    seedBase(h, 'nogroup');
    return h;
  }

  /** A Rocky Linux 9 host: dnf instead of apt. */
  static rhel(name = 'rhel'): FakeHost {
    const h = new FakeHost(name, rhelFacts(name));
    seedBase(h, 'nobody');
    return h;
  }

  get roundTrips(): number {
    return this.#trips;
  }

  async query(queries: readonly Query[], _opts?: ActOptions): Promise<unknown[]> {
    await this.#opening;
    this.#trips++;
    return queries.map((q) => answer(this, q));
  }

  async act(groups: readonly (readonly Action[])[], opts: ActOptions = {}): Promise<ActResult> {
    await this.#opening;
    // As the shell driver: one script, plus a put per upload and a sha256sum and a get per fetch.
    this.#trips += 1 + groups.flat().reduce((n, a) => n + (a.a === 'upload' ? 1 : a.a === 'fetch' ? 2 : 0), 0);
    for (const [i, group] of groups.entries()) {
      try {
        for (const a of group) {
          applyAction(this, a);
          this.log.push(a);
        }
        this.runs.note(opts.notes?.get(i));
      } catch (e) {
        if (e instanceof HostFailure) return { ok: false, failedGroup: i, exitCode: e.exitCode, stderr: e.stderr };
        throw e;
      }
    }
    return opts.probes?.length ? { ok: true, probes: this.#probe(opts.probes) } : { ok: true };
  }

  /** As the shell driver's script tail: each probe until it exits 0 (no real waiting), the next only after a pass. */
  #probe(probes: readonly Probe[]): ExecResult[][] {
    const runs: ExecResult[][] = [];
    for (const p of probes) {
      const attempts: ExecResult[] = [];
      for (let i = 0; i <= p.delaysMs.length; i++) {
        attempts.push(this.run(p.command));
        if (attempts.at(-1)!.exitCode === 0) break;
      }
      runs.push(attempts);
      if (attempts.at(-1)!.exitCode !== 0) break;
    }
    return runs;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    await this.#opening;
    this.#trips++;
    return this.run(command, typeof opts.stdin === 'string' ? opts.stdin : opts.stdin && Buffer.from(opts.stdin).toString('utf8'));
  }

  /** Takes the host's lock, sweeps and reads the journal; no round trip (it rides along on a real host). */
  begin(claim: RunClaim): Promise<HostSession> {
    const s = this.#open(claim);
    this.#opening = s;
    this.#claim = claim;
    return s;
  }

  async #open(claim: RunClaim): Promise<HostSession> {
    await this.runs.lock(this.host, claim);
    this.runs.sweep(this.fs, claim.sweep);
    return { pending: [...this.runs.journal] };
  }

  async close(): Promise<void> {
    if (this.#claim) this.runs.unlock(this.#claim);
    this.#claim = undefined;
  }

  /** Another connection to this same host (its own lock claim), for runs at the same time. */
  link(): HostDriver {
    let claim: RunClaim | undefined;
    let opening: Promise<unknown> | undefined;
    const host = this;
    return {
      host: this.host,
      get roundTrips() {
        return host.roundTrips;
      },
      query: async (q, o) => (await opening, this.query(q, o)),
      act: async (g, o) => (await opening, this.act(g, o)),
      exec: async (c, o) => (await opening, this.exec(c, o)),
      begin: (c) => {
        const s = this.#open(c);
        opening = s;
        claim = c;
        return s;
      },
      close: async () => {
        if (claim) this.runs.unlock(claim);
        claim = undefined;
      },
    };
  }

  // --- seeding and inspection, for tests ---

  /** Script a command (exact string or RegExp); the latest matching script answers. */
  script(match: string | RegExp, reply: CommandReply): this {
    this.scripts.push({ match, reply });
    return this;
  }

  /** A file as if it had always been there (parents created). */
  seedFile(path: string, content: string | Uint8Array, attrs: NodeAttrs = {}): this {
    this.fs.mkdirp(path.slice(0, path.lastIndexOf('/')) || '/');
    this.fs.write(path, typeof content === 'string' ? Buffer.from(content) : content, attrs);
    if (/^\/(etc|run|lib|usr\/lib)\/systemd\/system\//.test(path)) this.daemonReload();
    return this;
  }

  seedDir(path: string, attrs: NodeAttrs = {}): this {
    this.fs.mkdirp(path, attrs);
    return this;
  }

  /** Make a package installable (apt/dnf fail for anything not offered, as for an unknown name). */
  offer(name: string, spec: PackageSpec = {}): this {
    this.catalog.set(name, spec);
    return this;
  }

  /** A unit file already loaded by systemd, with its service state. */
  seedUnit(name: string, content: string, state: { enabled?: boolean; active?: boolean } = {}): this {
    this.seedFile(`/etc/systemd/system/${name}`, content);
    this.services.set(name, { enabled: state.enabled ?? false, active: state.active ?? false });
    return this;
  }

  /** File text, or undefined when absent or a directory. */
  read(path: string): string | undefined {
    return this.fs.text(path);
  }

  /** Service state as systemctl would report it. */
  service(unit: string): { enabled: boolean; active: boolean } {
    return { ...(this.services.get(unit) ?? { enabled: false, active: false }) };
  }
}
