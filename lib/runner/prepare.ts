/** Controller-side preparation (artifacts fetched and verified, certificates issued) for every resource a run uses. */
import type { ArtifactMirror } from '../core/artifact-mirror.js';
import type { PrepareContext } from '../core/resource.js';
import type { CompiledPlay } from './compile.js';

/**
 * Runs each resource's prepare() before any host is touched; a failure stops the run before it starts. Each
 * learns its host's artifact mirror there: `override` (--artifact-mirror, --serve-artifacts) for every host,
 * else the host's own (HostRole.artifactMirror).
 */
export async function prepareAll(plays: readonly CompiledPlay[], ctx: Omit<PrepareContext, 'mirror'>, override?: ArtifactMirror): Promise<void> {
  const jobs = plays.flatMap((p) =>
    p.roles.flatMap((r) =>
      [...r.perHost.values()].flatMap((hr) => {
        const mirror = override ?? (hr.artifactMirror === undefined ? undefined : { base: hr.artifactMirror });
        const mine: PrepareContext = mirror ? { ...ctx, mirror } : ctx;
        return hr.resources.map((res) => res.prepare?.(mine));
      }),
    ),
  );
  await Promise.all(jobs);
}
