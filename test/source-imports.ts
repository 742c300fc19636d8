/**
 * What a source file imports, read by the TypeScript parser rather than by regex: static imports and
 * re-exports, `import()` (also in type positions), `require()` and `createRequire(...)(...)`, in .ts and
 * .js alike, never in comments or strings. Shared by the architecture and dependency tests.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface SourceImports {
  /** Every literal module specifier the file loads. */
  readonly specs: readonly string[];
  /** `import(expr)` with a computed specifier: which module it loads cannot be read from the source. */
  readonly computed: number;
  /** Calls of the global fetch(): network I/O that no import shows. */
  readonly fetches: number;
}

const sourceFile = /\.(?:[cm]?ts|[cm]?js|tsx)$/;

/** The source files under dir, recursively (.ts, .js and their variants). */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : sourceFile.test(f) ? [p] : [];
  });
}

const literal = (n: ts.Node | undefined): string | undefined => (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined);
const isCreateRequire = (n: ts.Expression) => ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'createRequire';

function declaresFetch(src: ts.SourceFile): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    const name = (n as { name?: ts.Node }).name;
    if (
      (ts.isFunctionDeclaration(n) || ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isImportSpecifier(n)) &&
      name &&
      ts.isIdentifier(name) &&
      name.text === 'fetch'
    )
      found = true;
    else ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

export function sourceImports(file: string): SourceImports {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specs: string[] = [];
  let computed = 0;
  let fetches = 0;
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) specs.push(literal(n.moduleSpecifier)!);
    else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) specs.push(literal(n.moduleReference.expression)!);
    else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) specs.push(literal(n.argument.literal)!);
    else if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const loads = callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require') || isCreateRequire(callee);
      if (loads) {
        const spec = literal(n.arguments[0]);
        if (spec === undefined) computed++;
        else specs.push(spec);
      } else if (
        (ts.isIdentifier(callee) && callee.text === 'fetch') ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 'fetch' && ts.isIdentifier(callee.expression) && callee.expression.text === 'globalThis')
      )
        fetches++;
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  // A file that declares its own fetch (the test kit's fetch action) calls that one, not the global.
  return { specs, computed, fetches: declaresFetch(src) ? 0 : fetches };
}
