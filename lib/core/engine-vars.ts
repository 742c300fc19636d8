/**
 * Vars tsplay itself reads per host, not any role: set in the inventory's vars (global, group or host, merged
 * as every var is) or with -e for every host. The unknown-var check knows them (and suggests them for a
 * misspelling) and checks each value where it is set. One entry per var: its name and what is wrong with a value.
 */
import { ARTIFACT_MIRROR_VAR, mirrorVarProblem } from './artifact-mirror.js';

export const ENGINE_VARS: Readonly<Record<string, (value: unknown) => string | undefined>> = {
  [ARTIFACT_MIRROR_VAR]: mirrorVarProblem,
};

export const isEngineVar = (name: string): boolean => Object.hasOwn(ENGINE_VARS, name);
