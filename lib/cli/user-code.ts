/** When a command is about to import the user's code, so that the `tsplay` process registers its TypeScript hook then, and only then. */
import { resolve } from 'node:path';

export interface UserCodeIO {
  /**
   * Called before the user's code (a playbook, a .ts/.js inventory) is imported: the `tsplay` process registers
   * its TypeScript hook there, once. In-process callers (tests) load TypeScript their own way and leave it out.
   */
  readonly beforeUserCode?: () => void;
}

/** A module the engine imports (the user's code), not an Ansible inventory it parses: importDefault's own test. */
export const isModule = (file: string): boolean => /\.[cm]?[jt]s$/.test(resolve(file));

/** Call before importing `file` (an inventory, a playbook). */
export function beforeImport(file: string, io: UserCodeIO): void {
  if (isModule(file)) io.beforeUserCode?.();
}
