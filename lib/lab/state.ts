/** The lab's state file: which image and which hosts (with their nspawn pid and host key) are up. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LabError } from './run.js';

export interface HostState {
  readonly name: string;
  readonly address: string;
  readonly pid: number;
  /** `type base64` of the host's ssh host key. */
  readonly hostKey: string;
  readonly image: string;
  readonly bootedAt: string;
}

export interface LabState {
  readonly version: 1;
  readonly bridge: string;
  readonly key: string;
  readonly knownHosts: string;
  readonly hosts: readonly HostState[];
}

/** The state, or undefined when no lab was ever brought up. A corrupt file is an error, not an empty lab. */
export async function readState(path: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const state = JSON.parse(text) as LabState;
    if (state.version !== 1 || !Array.isArray(state.hosts)) throw new Error('unexpected shape');
    return state;
  } catch (e) {
    throw new LabError(`${path} is not a lab state file (${(e as Error).message}); run \`tsplay lab down\` to reset`);
  }
}

/** Write atomically: a crash never leaves a half-written state. */
export async function writeState(path: string, state: LabState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
