/**
 * The artifact push of bench/artifacts.ts: one stand-in release archive (a tar of padded binaries, its
 * file:// URL, sha256 and members given by the bench in TSPLAY_BENCH_ARTIFACT) extracted into
 * /opt/tsplay-bench/bin on every host, as roles/cluster/artifacts-install.ts installs a release.
 */
import { artifact, definePlaybook, defineRole } from '../../lib/index.js';

interface BenchArtifact {
  readonly url: string;
  readonly sha256: string;
  readonly files: readonly string[];
}

const spec = (): BenchArtifact => {
  const raw = process.env['TSPLAY_BENCH_ARTIFACT'];
  if (!raw) throw new Error('TSPLAY_BENCH_ARTIFACT is not set: run this playbook through bench/artifacts.ts');
  return JSON.parse(raw) as BenchArtifact;
};

const push = defineRole<Record<string, never>>({
  name: 'bench-artifacts',
  defaults: {},
  resources: () => {
    const a = spec();
    return [artifact({ url: a.url, sha256: a.sha256, extract: { files: a.files, dest: '/opt/tsplay-bench/bin' }, mode: 0o755, owner: 'root' })];
  },
});

export default definePlaybook({
  name: 'bench-artifacts',
  plays: [{ name: 'push the release binaries', hosts: 'all', roles: [push] }],
});
