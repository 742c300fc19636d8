/**
 * The built-in resources. Each constructor returns a Resource: pure check over the answers to its
 * queries, pure apply returning actions, state keys for check mode's dependency marks.
 */
export { absent, type AbsentOptions } from './absent.js';
export { artifact, type ArtifactOptions } from './artifact.js';
export { defaultCacheDir, prepareArtifact, type Checksum } from '../artifacts/cache.js';
export { assertCommand, type AssertCommandOptions } from './assert-command.js';
export { command, type CommandOptions } from './command.js';
export type { Common } from './common.js';
export { TEXT_LIMIT, type Content } from './content.js';
export { directory, type DirectoryOptions } from './directory.js';
export { file, type FileOptions } from './file.js';
export { generatedFile, type GeneratedFileOptions } from './generated-file.js';
export { kernelModule, type KernelModuleOptions } from './kernel-module.js';
export { editLines, line, type LineOptions } from './line.js';
export { pkg, type FamilyNames, type PackageOptions } from './package.js';
export { repository, type AptSource, type DnfSource, type RepositoryOptions } from './repository.js';
export { reload, restart, service, type ServiceOptions } from './service.js';
export { sysctl, type SysctlOptions } from './sysctl.js';
export { checkUnitText, continued, envAssignment, execArg, execLine, execWords, unitValue } from './systemd-syntax.js';
export { template, type TemplateOptions } from './template.js';
export { unit, unitName, type UnitOptions } from './unit.js';
export { group, user, type GroupOptions, type UserOptions } from './user.js';
