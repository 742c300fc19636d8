/**
 * The shell driver: a HostDriver over any Connection. A query batch is ONE `sh -s` script (answers split
 * by a random boundary); an action batch is ONE script too, plus one put per upload. Scripts travel on
 * stdin, never on the command line, so secrets stay out of process lists and logs. A run's lock is a
 * held command (Connection.hold); its temp sweep and journal read ride along with the first query.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult, Held, PutOptions } from '../core/connection.js';
import type { ActOptions, ActResult, HostDriver, HostSession, RunClaim } from '../core/driver.js';
import { TransportError, tail } from '../core/errors.js';
import type { Action, Query } from '../core/ops.js';
import { doneGroups, planSteps, renderActScript, stderrOfLastGroup, type ScriptPart, type Step } from './shell-act.js';
import { parseAnswers } from './shell-answers.js';
import { renderQueries } from './shell-query.js';
import { holdError, holdScript, parseSession, sessionPreamble } from './shell-session.js';

const token = () => randomBytes(8).toString('hex');

export interface ShellDriverOptions {
  /** Where the journal and lock live instead of /var/lib/tsplay and /run/tsplay (tests). */
  readonly stateDir?: string;
}

/** Counts every exec and put: each is one round trip. */
class Counted {
  trips = 0;
  constructor(readonly conn: Connection, readonly stateDir?: string) {}
  exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    this.trips++;
    return this.conn.exec(command, opts);
  }
  put(path: string, from: { localPath: string }, opts: PutOptions): Promise<void> {
    this.trips++;
    return this.conn.put(path, from, opts);
  }
}

const execOpts = (stdin: string, o: ActOptions): ExecOptions => ({ stdin, ...(o.sudo ? { sudo: true } : {}), ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) });

/** A begun run whose journal is still to be read: by the next query, or alone before anything else. */
interface Opening {
  readonly claim: RunClaim;
  readonly locked: Promise<Held | undefined>;
  resolve(s: HostSession): void;
  reject(e: Error): void;
}

/** `opening`: this query carries the session; `pipelined`: sent with the lock holder, it waits for the lock on the host. */
async function query(c: Counted, queries: readonly Query[], o: ActOptions, opening?: Opening, pipelined = false): Promise<unknown[]> {
  if (queries.length === 0 && !opening) return [];
  const boundary = `__tsplay_${token()}__`;
  const preamble = opening ? `${sessionPreamble(boundary, opening.claim.sweep, c.stateDir, pipelined ? opening.claim : undefined)}\n` : '';
  const sent = c.exec('sh -s', execOpts(preamble + renderQueries(queries, boundary), o));
  // A busy host fails as soon as its holder says so; the script stops waiting by itself.
  sent.catch(() => undefined);
  const [res] = await Promise.all([sent, pipelined ? opening!.locked : undefined]);
  try {
    const answers = parseAnswers(queries, res.stdout, boundary);
    opening?.resolve({ pending: parseSession(res.stdout, boundary) });
    return answers;
  } catch (e) {
    throw new TransportError(c.conn.host, `reading host state failed (exit ${res.exitCode}): ${(e as Error).message}\n${tail(res.stderr, 10)}`, { cause: e });
  }
}

type Failure = Extract<ActResult, { ok: false }>;

async function runScript(c: Counted, parts: readonly ScriptPart[], o: ActOptions): Promise<Failure | undefined> {
  const boundary = `__tsplay_${token()}__`;
  const res = await c.exec('sh -s', execOpts(renderActScript(parts, boundary, token(), c.stateDir), o));
  const done = doneGroups(res.stdout, boundary);
  const failed = parts.find((p) => !done.has(p.group));
  if (!failed && res.exitCode === 0) return undefined;
  const group = failed?.group ?? parts[parts.length - 1]!.group;
  return { ok: false, failedGroup: group, exitCode: res.exitCode || 1, stderr: tail(stderrOfLastGroup(res.stderr, boundary), 20) };
}

/** A put that fails (permissions, disk full) fails its group; a broken transport stays a TransportError. */
async function runUpload(c: Counted, step: Extract<Step, { kind: 'upload' }>, o: ActOptions): Promise<Failure | undefined> {
  const { action: a } = step;
  const opts: PutOptions = { ...(a.mode !== undefined ? { mode: a.mode } : {}), ...(a.owner ? { owner: a.owner } : {}), ...(a.group ? { group: a.group } : {}), ...(o.sudo ? { sudo: true } : {}) };
  try {
    await c.put(a.path, { localPath: a.from }, opts);
    return undefined;
  } catch (e) {
    if (e instanceof TransportError) throw e;
    return { ok: false, failedGroup: step.group, exitCode: 1, stderr: `upload of ${a.path} failed: ${(e as Error).message}` };
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
    for (const step of planSteps(groups, o.notes)) {
      const failure = step.kind === 'script' ? await runScript(c, step.parts, o) : await runUpload(c, step, o);
      if (failure) return failure;
    }
    return { ok: true };
  } finally {
    if (killAfter > 0 && ++actsDone >= killAfter) process.kill(process.pid, 'SIGKILL');
  }
}

/**
 * begin(): the lock holder is started at once, and the first query goes with it and waits on the host
 * until the lock file names this run (no round trip: the holder stays open for the run); the sweep and
 * the journal read are prepended to that query. Without Connection.hold (a test connection) the run is
 * unlocked.
 */
function opener(c: Counted) {
  let opening: Opening | undefined;
  let held: Held | undefined;
  return {
    begin(claim: RunClaim): Promise<HostSession> {
      const locked = c.conn.hold
        ? c.conn.hold(holdScript(claim, c.stateDir), { sudo: claim.sudo }).then((h) => {
            const err = holdError(h.line, c.conn.host, claim.lockTimeoutMs);
            if (err) {
              h.release();
              throw err;
            }
            return (held = h);
          })
        : Promise.resolve(undefined);
      return new Promise<HostSession>((resolve, reject) => {
        opening = { claim, locked, resolve, reject };
        // Nothing is unhandled: whoever awaits the session or the next call sees the rejection.
        locked.catch(reject);
      });
    },
    /**
     * Before any call: the first query carries the opening, sent at once when it runs as the holder does
     * (same user: same lock file), else once the holder answered; an act or exec first waits and reads it alone.
     */
    async take(forQuery: boolean, o: ActOptions): Promise<{ opening?: Opening; pipelined: boolean }> {
      const o1 = opening;
      if (!o1) return { pipelined: false };
      if (forQuery && c.conn.hold && (o.sudo ?? false) === o1.claim.sudo) {
        opening = undefined;
        return { opening: o1, pipelined: true };
      }
      await o1.locked;
      if (opening !== o1) return { pipelined: false };
      opening = undefined;
      if (forQuery) return { opening: o1, pipelined: false };
      await query(c, [], { ...(o.sudo ? { sudo: true } : {}) }, o1).catch((e: Error) => (o1.reject(e), Promise.reject(e)));
      return { pipelined: false };
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
    query: async (queries, o = {}) => {
      const { opening, pipelined } = await session.take(true, o);
      return query(c, queries, o, opening, pipelined).catch((e: Error) => (opening?.reject(e), Promise.reject(e)));
    },
    act: async (groups, o = {}) => (await session.take(false, o), act(c, groups, o)),
    exec: async (command, o) => (await session.take(false, { ...(o?.sudo ? { sudo: true } : {}) }), c.exec(command, o)),
    get roundTrips() { return c.trips; },
    close: async () => {
      session.release();
      await conn.close();
    },
  };
}
