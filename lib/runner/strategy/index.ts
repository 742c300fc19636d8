import type { Play } from '../../dsl/playbook.js';
import { free } from './free.js';
import { linear } from './linear.js';
import type { Strategy } from './types.js';

export type { Strategy, StrategyRun } from './types.js';

export const STRATEGIES: Record<NonNullable<Play['strategy']>, Strategy> = { linear, free };
