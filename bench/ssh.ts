/**
 * Plain OpenSSH from the controller: one `ssh` process per host, all in parallel. Used for the raw floor
 * (timed) and for untimed setup and resets. Host keys are checked against the lab's known_hosts.
 */
import { spawn } from 'node:child_process';
import type { BenchHost, LabInfo } from './lab.js';

export interface SshResult {
  readonly host: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export const sshArgs = (lab: LabInfo, h: BenchHost): string[] => [
  '-i',
  lab.key,
  '-o',
  `UserKnownHostsFile=${lab.knownHosts}`,
  '-o',
  'StrictHostKeyChecking=yes',
  '-o',
  'BatchMode=yes',
  '-o',
  'ControlMaster=no',
  '-o',
  'ControlPath=none',
  `root@${h.address}`,
];

/** Run `sh -s` with `script` on stdin on one host; one process, one script. */
export function sshScript(lab: LabInfo, h: BenchHost, script: string): Promise<SshResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn('ssh', [...sshArgs(lab, h), 'sh', '-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    // A script may exit before reading all of its stdin (an early `exit 0`): not an error.
    p.stdin.on('error', () => undefined);
    p.on('close', (code) =>
      resolve({
        host: h.name,
        code: code ?? -1,
        ms: performance.now() - t0,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    p.stdin.end(script);
  });
}

/** The script on every host at once; wall time of the whole, and each result. */
export async function sshAll(lab: LabInfo, hosts: readonly BenchHost[], script: string): Promise<{ ms: number; results: SshResult[] }> {
  const t0 = performance.now();
  const results = await Promise.all(hosts.map((h) => sshScript(lab, h, script)));
  return { ms: performance.now() - t0, results };
}

/** Like sshAll, but any failure is an error naming the host. */
export async function sshAllOk(lab: LabInfo, hosts: readonly BenchHost[], script: string, what: string): Promise<void> {
  const { results } = await sshAll(lab, hosts, script);
  const bad = results.filter((r) => r.code !== 0);
  if (bad.length > 0)
    throw new Error(`${what} failed on ${bad.map((r) => `${r.host} (exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' ')})`).join(', ')}`);
}
