/** Plan files (issue #14): record a check run's per-resource answers and actions; replay them exactly. */
export { digestOf } from './digest.js';
export { readPlanFile, sourceDiffers, writePlanFile } from './file.js';
export { PLAN_FORMAT, type HostPlan, type PlanFile, type PlanRun, type PlanSource, type ResourcePlan, type RolePlan } from './model.js';
export { actionsOf, recordResource, recordRole } from './record.js';
export { compareRole, PlanDeviation, replayRole, type Refusal, type Replayed } from './replay.js';
export { replayGate, type PlanHook } from './hook.js';
