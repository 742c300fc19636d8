/** One restart handler per component, run once after the role when something it reads changed. */
import { restart, type Handler } from '../../lib/index.js';
import { COMPONENTS, type ControlPlaneComponent } from './units.js';

export const restartOf = (c: ControlPlaneComponent): string => `restart ${c}`;

export function handlers(): Record<string, Handler> {
  return Object.fromEntries(COMPONENTS.map((c) => [restartOf(c), restart(c)]));
}
