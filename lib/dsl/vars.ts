/**
 * Vars declared once: a role's vars are one zod object whose every field carries its default (`.default()`)
 * and a one-line description (`.describe()`). The TypeScript type is inferred from it, the defaults are
 * read from it, and the same object (with the role's cross-field rules) checks the merged vars at run time:
 *
 *   export const vars = declareVars(z.object({ my_port: port.default(8080).describe('where it listens') }));
 *   export type MyVars = VarsOf<typeof vars>;
 *   export default defineRole<MyVars>({ name: 'my', ...vars.role, resources });
 */
import { z } from 'zod';

/** A cross-field rule over the parsed vars: report problems with ctx.addIssue({ code: 'custom', path, message }). */
export type VarsRule<V> = (vars: V, ctx: z.RefinementCtx) => void;

export interface DeclaredVars<T extends z.ZodObject> {
  /** The plain object (no rules), to extend: extendVars(base, { more: ... }). */
  readonly object: T;
  /** Every field's default, read from the object. */
  readonly defaults: z.output<T>;
  /** The object with the rules: what the runner checks the merged vars with. */
  readonly schema: T;
  /** Each field's one-line description. */
  readonly descriptions: Readonly<Record<string, string>>;
  readonly rules: readonly VarsRule<z.output<T>>[];
  /** `{ defaults, schema }`: spread into defineRole. */
  readonly role: { readonly defaults: z.output<T>; readonly schema: T };
}

/** The vars type of a declaration. */
export type VarsOf<D extends DeclaredVars<z.ZodObject>> = D['defaults'];

function describe(field: z.ZodType): string | undefined {
  if (field.description) return field.description;
  return field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType).description : undefined;
}

/** Declare a role's vars; a field without a default or a description is refused when the module loads. */
export function declareVars<T extends z.ZodObject>(object: T, ...rules: VarsRule<z.output<T>>[]): DeclaredVars<T> {
  const defaults: Record<string, unknown> = {};
  const descriptions: Record<string, string> = {};
  for (const [key, field] of Object.entries(object.shape as Record<string, z.ZodType>)) {
    if (!(field instanceof z.ZodDefault)) throw new Error(`var ${key}: declare a default (.default(...))`);
    const text = describe(field);
    if (!text) throw new Error(`var ${key}: declare a one-line description (.describe(...))`);
    defaults[key] = (field.def as { defaultValue: unknown }).defaultValue;
    descriptions[key] = text;
  }
  const schema: T = rules.length
    ? object.superRefine((v, ctx) => {
        for (const r of rules) r(v, ctx);
      })
    : object;
  const typed = defaults as z.output<T>;
  return { object, defaults: typed, schema, descriptions, rules, role: { defaults: typed, schema } };
}

/** The object of a base's fields with more (or replaced) ones. */
export type Extended<B extends z.ZodObject, S extends z.ZodRawShape> = z.ZodObject<Omit<B['shape'], keyof S> & S>;

/** Another role's vars plus more of its own (the base's rules kept, then these): extendVars(base, shape)(...rules). */
export function extendVars<B extends z.ZodObject, S extends z.ZodRawShape>(base: DeclaredVars<B>, shape: S) {
  // zod's own extend; its result type is spelt out here because a generic call cannot name it.
  const object: Extended<B, S> = base.object.extend(shape);
  type Out = z.output<Extended<B, S>>;
  // The base's rules read only the base's fields, which the extended vars have too.
  const inherited = base.rules.map(
    (r): VarsRule<Out> =>
      (v, ctx) =>
        r(v as z.output<B>, ctx),
  );
  return (...rules: VarsRule<Out>[]) => declareVars(object, ...inherited, ...rules);
}
