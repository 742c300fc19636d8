/**
 * The shell driver: a HostDriver over any Connection. A query batch is ONE `sh -s` script (answers split
 * by a random boundary); an action batch is ONE script too, plus one put per upload. Scripts travel on
 * stdin, never on the command line, so secrets stay out of process lists and logs.
 */
import { randomBytes } from 'node:crypto';
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../core/connection.js';
import type { ActOptions, ActResult, HostDriver } from '../core/driver.js';
import { TransportError, tail } from '../core/errors.js';
import type { Action, Query } from '../core/ops.js';
import { doneGroups, planSteps, renderActScript, stderrOfLastGroup, type ScriptPart, type Step } from './shell-act.js';
import { parseAnswers } from './shell-answers.js';
import { renderQueries } from './shell-query.js';

const token = () => randomBytes(8).toString('hex');

/** Counts every exec and put: each is one round trip. */
class Counted {
  trips = 0;
  constructor(readonly conn: Connection) {}
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

async function query(c: Counted, queries: readonly Query[], o: ActOptions): Promise<unknown[]> {
  if (queries.length === 0) return [];
  const boundary = `__tsplay_${token()}__`;
  const res = await c.exec('sh -s', execOpts(renderQueries(queries, boundary), o));
  try {
    return parseAnswers(queries, res.stdout, boundary);
  } catch (e) {
    throw new TransportError(c.conn.host, `reading host state failed (exit ${res.exitCode}): ${(e as Error).message}\n${tail(res.stderr, 10)}`, { cause: e });
  }
}

type Failure = Extract<ActResult, { ok: false }>;

async function runScript(c: Counted, parts: readonly ScriptPart[], o: ActOptions): Promise<Failure | undefined> {
  const boundary = `__tsplay_${token()}__`;
  const res = await c.exec('sh -s', execOpts(renderActScript(parts, boundary, token()), o));
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

async function act(c: Counted, groups: readonly (readonly Action[])[], o: ActOptions): Promise<ActResult> {
  for (const step of planSteps(groups)) {
    const failure = step.kind === 'script' ? await runScript(c, step.parts, o) : await runUpload(c, step, o);
    if (failure) return failure;
  }
  return { ok: true };
}

/** A HostDriver that speaks POSIX sh over `conn`. */
export function shellDriver(conn: Connection): HostDriver {
  const c = new Counted(conn);
  return {
    host: conn.host,
    query: (queries, opts = {}) => query(c, queries, opts),
    act: (groups, opts = {}) => act(c, groups, opts),
    exec: (command, opts) => c.exec(command, opts),
    get roundTrips() { return c.trips; },
    close: () => conn.close(),
  };
}
