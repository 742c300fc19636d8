/**
 * Talking to `sudo -S` without ever letting it read the script as a password. sudo asks with a marker
 * prompt on stderr (`-p`); the password is sent only when that prompt appears, once; the command, once
 * sudo runs it, announces itself with a ready marker on stderr, and only then does stdin carry the script.
 * A second prompt means sudo refused the password: the caller stops at once instead of feeding it more
 * lines (it used to read script lines as further attempts, 6.5 s of them). Pure: the transport does the I/O.
 */

/** What sudo prints when it wants the password (no `%`: sudo would expand it). */
export const SUDO_PROMPT = '[tsplay:sudo-password]';
/** What the command prints on stderr before it reads stdin: sudo has let it run. */
export const SUDO_READY = '[tsplay:sudo-ready]';

export type SudoTurn = 'send-password' | 'ready' | 'refused';

export class SudoDialogue {
  #before = '';
  #prompts = 0;
  #ready = false;

  /** sudo prompted at least once (the host needs the password; with NOPASSWD it never asks). */
  get prompted(): boolean {
    return this.#prompts > 0;
  }

  get ready(): boolean {
    return this.#ready;
  }

  /** What sudo said before the command ran, markers removed: the reason when it refused. */
  get said(): string {
    return this.#before.split(SUDO_PROMPT).join('').trim();
  }

  /**
   * Take a stderr chunk. Returns what to do now, and the part of the chunk that is the command's own
   * stderr (everything after the ready marker).
   */
  read(chunk: string): { readonly turns: readonly SudoTurn[]; readonly stderr: string } {
    if (this.#ready) return { turns: [], stderr: chunk };
    this.#before += chunk;
    const turns: SudoTurn[] = [];
    const at = this.#before.indexOf(`${SUDO_READY}\n`);
    const asked = this.#before.slice(0, at < 0 ? undefined : at).split(SUDO_PROMPT).length - 1;
    for (; this.#prompts < asked; this.#prompts++) turns.push(this.#prompts === 0 ? 'send-password' : 'refused');
    if (at < 0) return { turns, stderr: '' };
    this.#ready = true;
    const rest = this.#before.slice(at + SUDO_READY.length + 1);
    this.#before = this.#before.slice(0, at);
    return { turns: [...turns, 'ready'], stderr: rest };
  }
}
