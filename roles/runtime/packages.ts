/** Packages named per OS family; nothing when both lists are empty (installed by other means). */
import { pkg, type AnyResource } from '../../lib/index.js';
import type { FamilyPackages } from './vars.js';

export const packages = (names: FamilyPackages): AnyResource[] => (names.debian.length + names.redhat.length ? [pkg({ names })] : []);
