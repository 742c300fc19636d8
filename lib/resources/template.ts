/**
 * template: a file whose content is a TypeScript function of vars - typed, testable, no template language.
 * `template({ path, render })` or `template(path, fn, vars, opts)`.
 */
import type { Attrs, FileState } from '../core/ops.js';
import type { Resource } from '../core/resource.js';
import type { Common } from './common.js';
import { fileResource } from './file.js';

export interface TemplateOptions extends Attrs, Common {
  readonly path: string;
  readonly render: () => string;
}

export function template(o: TemplateOptions): Resource<[FileState]>;
export function template<V>(path: string, fn: (vars: V) => string, vars: V, opts?: Attrs & Common): Resource<[FileState]>;
export function template<V>(a: string | TemplateOptions, fn?: (vars: V) => string, vars?: V, opts: Attrs & Common = {}): Resource<[FileState]> {
  if (typeof a !== 'string') {
    const { render, ...rest } = a;
    return fileResource('template', { ...rest, content: render() });
  }
  if (!fn) throw new Error(`template ${a}: a render function is required`);
  return fileResource('template', { ...opts, path: a, content: fn(vars as V) });
}
