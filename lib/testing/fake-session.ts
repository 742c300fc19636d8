/**
 * What a fake host keeps of runs, as a real one does (see HostDriver.begin): a per-host lock a second run
 * waits for (then HostBusy, naming the holder), the pending-handler journal that act() notes write, and
 * the sweep of leftover temp files (TEMP_PATTERNS) beside a run's paths.
 */
import { HostBusy, TEMP_PATTERNS, UPLOAD_TEMP, holderLine, type GroupNotes, type RunClaim } from '../core/driver.js';
import type { FakeFs } from './fake-fs.js';

/** A find -name glob (`*`, `?`) as a RegExp. */
const globRe = (g: string) =>
  new RegExp(
    `^${g
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
const [FILE_TEMP, DIR_TEMP] = TEMP_PATTERNS.map(globRe) as [RegExp, RegExp];

export class FakeRuns {
  /** Journal keys on the host. */
  readonly journal = new Set<string>();
  #holder: RunClaim | undefined;
  readonly #waiting: (() => void)[] = [];

  /** Wait for the lock (FIFO) up to the claim's timeout. */
  async lock(host: string, claim: RunClaim): Promise<void> {
    if (!this.#holder) {
      this.#holder = claim;
      return;
    }
    const holder = this.#holder;
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        clearTimeout(timer);
        this.#holder = claim;
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(go), 1);
        reject(new HostBusy(host, holderLine(this.#holder ?? holder), claim.lockTimeoutMs));
      }, claim.lockTimeoutMs);
      this.#waiting.push(go);
    });
  }

  unlock(claim: RunClaim): void {
    if (this.#holder !== claim) return;
    this.#holder = undefined;
    this.#waiting.shift()?.();
  }

  get holder(): RunClaim | undefined {
    return this.#holder;
  }

  note(n: GroupNotes | undefined): void {
    for (const k of n?.pend ?? []) this.journal.add(k);
    for (const k of n?.clear ?? []) this.journal.delete(k);
  }

  /** Remove leftover temps directly in `dirs`, and uploads left in /tmp. */
  sweep(fs: FakeFs, dirs: readonly string[]): void {
    if (dirs.length === 0) return;
    const inDir = (p: string, d: string) => p.slice(0, p.lastIndexOf('/') || 1) === d;
    for (const [path, node] of [...fs.nodes]) {
      const name = path.slice(path.lastIndexOf('/') + 1);
      const temp = node.type === 'file' ? FILE_TEMP.test(name) : DIR_TEMP.test(name);
      if ((temp && dirs.some((d) => inDir(path, d))) || (node.type === 'file' && path.startsWith(UPLOAD_TEMP))) fs.remove(path);
    }
  }
}
