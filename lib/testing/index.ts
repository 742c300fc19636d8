/**
 * tsplay/testing: the test kit role authors and tsplay's own tests use. A FakeHost is an in-memory host;
 * converge() runs the check -> apply -> check cycle a real run performs.
 */
export { changedIds, changesById, converge, prepareContext, type Converged } from './converge.js';
export { FakeMisuse, HostFailure } from './fake-failure.js';
export { FakeHost } from './fake-host.js';
export { debianFacts, rhelFacts } from './fake-presets.js';
export type { CommandReply, PackageSpec } from './fake-state.js';
