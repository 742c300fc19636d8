/** Controller-side preparation (artifacts fetched and verified, certificates issued) for every resource a run uses. */
import type { PrepareContext } from '../core/resource.js';
import type { CompiledPlay } from './compile.js';

/** Runs each resource's prepare() before any host is touched; a failure stops the run before it starts. */
export async function prepareAll(plays: readonly CompiledPlay[], ctx: PrepareContext): Promise<void> {
  const resources = plays.flatMap((p) => p.roles.flatMap((r) => [...r.perHost.values()].flatMap((hr) => hr.resources)));
  await Promise.all(resources.map((r) => r.prepare?.(ctx)));
}
