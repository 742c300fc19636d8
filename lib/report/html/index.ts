/** `--report FILE`: record events, and at close write the HTML page atomically (temp file + rename). */
import { renameSync, writeFileSync } from 'node:fs';
import type { Reporter } from '../events.js';
import { recorder } from './record.js';
import { renderHtml } from './render.js';

export { renderHtml } from './render.js';
export { recorder, type Timed } from './record.js';
export { esc } from './escape.js';

export function htmlReporter(opts: { readonly file: string; readonly note?: (text: string) => void }): Reporter {
  const rec = recorder();
  let written = false;
  return {
    emit: (e) => rec.emit(e),
    close: () => {
      if (written) return;
      written = true;
      const tmp = `${opts.file}.${process.pid}.tmp`;
      writeFileSync(tmp, renderHtml(rec.events));
      renameSync(tmp, opts.file);
      opts.note?.(`report: ${opts.file}\n`);
    },
  };
}
