/**
 * The shell driver: a HostDriver over any Connection. A query batch is ONE `sh -s` script (answers split
 * by a random boundary); an action batch is ONE script too, plus one put per upload. Scripts travel on
 * stdin, never on the command line, so secrets stay out of process lists and logs. A run's first query
 * also takes the host's lock and keeps it (Connection.hold), sweeps leftover temps and reads the journal.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult, Held, PutOptions } from '../core/connection.js';
import { HostBusy, type ActOptions, type ActResult, type HostDriver, type HostSession, type Probe, type ProbeRuns, type RunClaim } from '../core/driver.js';
import { TransportError, tail } from '../core/errors.js';
import { landFetched } from '../core/fetched.js';
import { noteFallback } from '../core/mirror-fallback.js';
import type { Action, Query } from '../core/ops.js';
import { doneGroups, planSteps, renderActScript, stderrOfLastGroup, type ScriptPart, type Step } from './shell-act.js';
import { parseAnswers } from './shell-answers.js';
import { parseProbes, renderProbes } from './shell-probe.js';
import { renderQueries } from './shell-query.js';
import { quote } from './shell-quote.js';
import { renderUrlFetch, UNREACHABLE } from './shell-url-fetch.js';
import { HOLD_TAIL, busyHolder, parseSession, sessionPreamble } from './shell-session.js';

const token = () => randomBytes(8).toString('hex');

export interface ShellDriverOptions {
  /** Where the journal and lock live instead of /var/lib/tsplay and /run/tsplay (tests). */
  readonly stateDir?: string;
}

/** Counts every exec and put: each is one round trip. */
class Counted {
  trips = 0;
  constructor(
    readonly conn: Connection,
    readonly stateDir?: string,
  ) {}
  exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    this.trips++;
    return this.conn.exec(command, opts);
  }
  put(path: string, from: { localPath: string }, opts: PutOptions): Promise<void> {
    this.trips++;
    return this.conn.put(path, from, opts);
  }
}

const execOpts = (stdin: string, o: ActOptions): ExecOptions => ({
  stdin,
  ...(o.sudo ? { sudo: true } : {}),
  ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
});

/** A begun run: its claim, and the session promise its first query settles. */
interface Opening {
  readonly claim: RunClaim;
  resolve(s: HostSession): void;
  reject(e: Error): void;
}

async function query(c: Counted, queries: readonly Query[], o: ActOptions): Promise<unknown[]> {
  if (queries.length === 0) return [];
  const boundary = `__tsplay_${token()}__`;
  const res = await c.exec('sh -s', execOpts(renderQueries(queries, boundary), o));
  return answersOf(c, queries, res.stdout, res.stderr, res.exitCode, boundary);
}

function answersOf(c: Counted, queries: readonly Query[], stdout: string, stderr: string, exitCode: number | undefined, boundary: string): unknown[] {
  try {
    return parseAnswers(queries, stdout, boundary);
  } catch (e) {
    throw new TransportError(c.conn.host, `reading host state failed (exit ${exitCode ?? '-'}): ${(e as Error).message}\n${tail(stderr, 10)}`, { cause: e });
  }
}

/**
 * The run's first query: it takes the host's lock, sweeps, reads the journal, answers, and then stays,
 * holding the lock on its open stdin until close() or the end of the connection (one round trip, and one
 * channel, for all of it). Without Connection.hold (a test connection) the run is unlocked.
 */
async function firstQuery(c: Counted, queries: readonly Query[], o: ActOptions, opening: Opening): Promise<{ answers: unknown[]; held?: Held }> {
  const boundary = `__tsplay_${token()}__`;
  const lock = c.conn.hold !== undefined;
  const body = renderQueries(queries, boundary).replace(/\nexit 0\n$/, '\n');
  // fd 9 holds the lock: closed for the queries' own commands, so no guard can keep it past the run.
  const script = `${sessionPreamble(boundary, opening.claim, lock, c.stateDir)}\n{\n${body}} 9<&-\n${lock ? HOLD_TAIL : 'exit 0'}\n`;
  c.trips++;
  const r = lock
    ? await c.conn.hold!('sh -s', { stdin: script, until: `\n${boundary} end\n`, ...(o.sudo ? { sudo: true } : {}) })
    : await c.conn.exec('sh -s', execOpts(script, o));
  const busy = busyHolder(r.stdout, boundary);
  if (busy !== undefined) {
    if ('release' in r) r.release();
    throw new HostBusy(c.conn.host, busy, opening.claim.lockTimeoutMs);
  }
  const answers = answersOf(c, queries, r.stdout, r.stderr, r.exitCode, boundary);
  opening.resolve({ pending: parseSession(r.stdout, boundary) });
  return { answers, ...('release' in r ? { held: r } : {}) };
}

type Failure = Extract<ActResult, { ok: false }>;

/** One script: its groups, then (the batch's last script only) the probes; what the probes found when all groups passed. */
async function runScript(c: Counted, parts: readonly ScriptPart[], o: ActOptions, probes: readonly Probe[] = []): Promise<Failure | { probes: ProbeRuns }> {
  const boundary = `__tsplay_${token()}__`;
  const script = renderActScript(parts, boundary, token(), c.stateDir, renderProbes(probes, boundary));
  const res = await c.exec('sh -s', execOpts(script, o));
  const done = doneGroups(res.stdout, boundary);
  const failed = parts.find((p) => !done.has(p.group));
  if (!failed && res.exitCode === 0) return { probes: parseProbes(probes, res.stdout, res.stderr, boundary) };
  const group = failed?.group ?? parts[parts.length - 1]?.group ?? 0;
  return { ok: false, failedGroup: group, exitCode: res.exitCode || 1, stderr: tail(stderrOfLastGroup(res.stderr, boundary), 20) };
}

/**
 * An upload with a mirror URL: the host fetches and verifies it (shell-url-fetch.ts), one round trip and no
 * bytes through SSH. `fallback` when it could not fetch (the reason, said in the run's output); a mismatch
 * or a failing chown fails the group.
 */
async function runUrlFetch(
  c: Counted,
  step: Extract<Step, { kind: 'upload' }>,
  url: string,
  o: ActOptions,
): Promise<Failure | { fallback: string } | undefined> {
  const res = await c.exec('sh -s', execOpts(renderUrlFetch({ ...step.action, url }, token()), o));
  if (res.exitCode === 0) return undefined;
  if (res.exitCode === UNREACHABLE) return { fallback: res.stderr.trim().split('\n').pop() || `fetching ${url} failed` };
  return {
    ok: false,
    failedGroup: step.group,
    exitCode: res.exitCode || 1,
    stderr: tail(`fetch of ${step.action.path} from ${url} failed: ${res.stderr}`, 20),
  };
}

/** A put that fails (permissions, disk full) fails its group; a broken transport stays a TransportError. */
async function runUpload(c: Counted, step: Extract<Step, { kind: 'upload' }>, o: ActOptions): Promise<Failure | undefined> {
  const { action: a } = step;
  if (a.url !== undefined) {
    const r = await runUrlFetch(c, step, a.url, o);
    if (!r || 'ok' in r) return r;
    noteFallback(c.conn.host, a.path, r.fallback);
  }
  const opts: PutOptions = {
    ...(a.mode !== undefined ? { mode: a.mode } : {}),
    ...(a.owner ? { owner: a.owner } : {}),
    ...(a.group ? { group: a.group } : {}),
    ...(o.sudo ? { sudo: true } : {}),
  };
  try {
    await c.put(a.path, { localPath: a.from }, opts);
    return undefined;
  } catch (e) {
    if (e instanceof TransportError) throw e;
    return { ok: false, failedGroup: step.group, exitCode: 1, stderr: `upload of ${a.path} failed: ${(e as Error).message}` };
  }
}

/**
 * sha256sum on the host, get, then land on the controller (verified, temp + rename, see core/fetched.ts):
 * two round trips. A missing file or a mismatch fails its group; a broken transport stays a TransportError.
 */
async function runFetch(c: Counted, step: Extract<Step, { kind: 'fetch' }>, o: ActOptions): Promise<Failure | undefined> {
  const { action: a } = step;
  const fail = (why: string): Failure => ({ ok: false, failedGroup: step.group, exitCode: 1, stderr: `fetch of ${a.path} failed: ${why}` });
  const sum = await c.exec(`sha256sum -- ${quote(a.path)}`, { ...(o.sudo ? { sudo: true } : {}) });
  const sha256 = /^([0-9a-f]{64})\s/.exec(sum.stdout)?.[1];
  if (sum.exitCode !== 0 || !sha256) return fail((sum.stderr || sum.stdout).trim() || `sha256sum exited ${sum.exitCode}`);
  c.trips++;
  const bytes = await c.conn.get(a.path, { ...(o.sudo ? { sudo: true } : {}) });
  if (!bytes) return fail('the file is gone');
  try {
    landFetched(a.to, bytes, sha256, a.keep);
    return undefined;
  } catch (e) {
    return fail((e as Error).message);
  }
}

/**
 * Test-only fault: TSPLAY_FAULT_KILL_AFTER_ACTS=N makes the controller SIGKILL itself once N action
 * scripts have returned, as a controller that dies between a change and its handler (the fault suite).
 */
const killAfter = Number(process.env['TSPLAY_FAULT_KILL_AFTER_ACTS'] ?? 0);
let actsDone = 0;

async function act(c: Counted, groups: readonly (readonly Action[])[], o: ActOptions): Promise<ActResult> {
  try {
    const steps = planSteps(groups, o.notes);
    const probes = o.probes ?? [];
    // The probes ride on the last script; after an upload or fetch (or with no groups), on one of their own.
    if (probes.length && steps.at(-1)?.kind !== 'script') steps.push({ kind: 'script', parts: [] });
    let found: ProbeRuns | undefined;
    for (const [i, step] of steps.entries()) {
      if (step.kind === 'script') {
        const r = await runScript(c, step.parts, o, i === steps.length - 1 ? probes : []);
        if ('ok' in r) return r;
        if (i === steps.length - 1 && probes.length) found = r.probes;
        continue;
      }
      const failure = step.kind === 'upload' ? await runUpload(c, step, o) : await runFetch(c, step, o);
      if (failure) return failure;
    }
    return found ? { ok: true, probes: found } : { ok: true };
  } finally {
    if (killAfter > 0 && ++actsDone >= killAfter) process.kill(process.pid, 'SIGKILL');
  }
}

/** begin() only records the claim: the next call carries it (a query), or reads it alone first (act, exec). */
function opener(c: Counted) {
  let opening: Opening | undefined;
  let held: Held | undefined;
  const first = async (queries: readonly Query[], o: ActOptions, mine: Opening) => {
    try {
      const r = await firstQuery(c, queries, o, mine);
      held = r.held;
      return r.answers;
    } catch (e) {
      mine.reject(e as Error);
      throw e;
    }
  };
  return {
    begin(claim: RunClaim): Promise<HostSession> {
      return new Promise<HostSession>((resolve, reject) => {
        opening = { claim, resolve, reject };
      });
    },
    query(queries: readonly Query[], o: ActOptions): Promise<unknown[]> {
      const mine = opening;
      opening = undefined;
      return mine ? first(queries, o, mine) : query(c, queries, o);
    },
    /** Before an act or exec: a begun run's lock and session come first, in a query of their own. */
    async before(o: ActOptions): Promise<void> {
      const mine = opening;
      opening = undefined;
      if (mine) await first([], { ...(o.sudo ? { sudo: true } : {}) }, mine);
    },
    release(): void {
      held?.release();
      held = undefined;
    },
  };
}

/** A HostDriver that speaks POSIX sh over `conn`. */
export function shellDriver(conn: Connection, opts: ShellDriverOptions = {}): HostDriver {
  const c = new Counted(conn, opts.stateDir);
  const session = opener(c);
  return {
    host: conn.host,
    begin: (claim) => session.begin(claim),
    query: (queries, o = {}) => session.query(queries, o),
    act: async (groups, o = {}) => (await session.before(o), act(c, groups, o)),
    exec: async (command, o) => (await session.before({ ...(o?.sudo ? { sudo: true } : {}) }), c.exec(command, o)),
    get roundTrips() {
      return c.trips;
    },
    close: async () => {
      session.release();
      await conn.close();
    },
  };
}
