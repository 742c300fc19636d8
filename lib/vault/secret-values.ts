/** Register every string in a parsed vars file (nested lists and mappings included) as a secret. */
import { remember } from '../core/secret.js';

export function rememberStrings(value: unknown): void {
  if (typeof value === 'string') {
    if (value !== '') remember(value);
  } else if (Array.isArray(value)) {
    for (const v of value) rememberStrings(v);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) rememberStrings(v);
  }
}
