/** Controller-side preparation (artifacts fetched and verified once) for every resource a run will use. */
import type { CompiledPlay } from './compile.js';

/** Runs each resource's prepare() before any host is touched; a failure stops the run as a config error would. */
export async function prepareAll(plays: readonly CompiledPlay[]): Promise<void> {
  const resources = plays.flatMap((p) => p.roles.flatMap((r) => [...r.perHost.values()].flatMap((hr) => hr.resources)));
  await Promise.all(resources.map((r) => r.prepare?.()));
}
