/**
 * Where a host that could not fetch an artifact from its mirror (core/artifact-mirror.ts) and got it over
 * SSH instead is reported: the run's output as a warning while a run has set it (cli/run-apply.ts), stderr
 * otherwise. In core because the transport and the fake host both report it.
 */
const toStderr = (text: string): void => void process.stderr.write(`warning: ${text}\n`);
let sink: (text: string) => void = toStderr;

/** Report fallbacks to `note` (default: stderr). */
export function onMirrorFallback(note: (text: string) => void = toStderr): void {
  sink = note;
}

export function noteFallback(host: string, path: string, why: string): void {
  sink(`${host}: could not fetch ${path} from the artifact mirror (${why || 'no reason given'}); sent it over SSH instead`);
}
