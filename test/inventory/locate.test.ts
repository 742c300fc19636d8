import assert from 'node:assert/strict';
import { cjsSyntaxLocation, frameIn, importLine, missingImport, swcSyntaxError } from '../../lib/inventory/locate.js';

// Messages as @swc/core 1.x (through ts-node/esm/transpile-only) printed them on this machine.
const swcComma = [
  '  x Unexpected token `,`. Expected identifier, string literal, numeric literal or [ for the computed key',
  '   ,-[/w/inv.ts:4:1]',
  ' 3 |   hosts: {',
  " 4 |     a: { address: '1.2.3.4' ,, }",
  '   :                              ^',
  ' 5 |   },',
  '   `----',
  '',
  'Caused by:',
  '    Syntax Error',
].join('\n');
const swcEof = '  x Unexpected token `<eof>`. Expected identifier\n   ,-[/w/eof.ts:4:6]\n 3 |     a: {},\n 4 |   },\n   `----\n';
const swcWide = '  x Expression expected\n    ,-[/w/long.ts:12:1]\n 11 | let y = 1\n 12 | y = = 2;\n    :     ^\n    `----\n';

describe('locate', () => {
  it('swc: the line from the header, the column from the caret', () => {
    const e = swcSyntaxError(swcComma)!;
    assert.deepEqual(
      [e.file, e.line, e.column, e.reason],
      ['/w/inv.ts', 4, 30, 'Unexpected token `,`. Expected identifier, string literal, numeric literal or [ for the computed key'],
    );
    assert.equal(e.frame.split('\n').length, 4);
  });

  it('swc: a two-digit gutter', () =>
    assert.deepEqual(swcSyntaxError(swcWide), {
      file: '/w/long.ts',
      line: 12,
      column: 5,
      reason: 'Expression expected',
      frame: ' 11 | let y = 1\n 12 | y = = 2;\n    :     ^',
    }));

  it("swc: no caret, the header's column", () => assert.equal(swcSyntaxError(swcEof)?.column, 6));

  it('swc: anything else is not an swc error', () => assert.equal(swcSyntaxError('Cannot find module x'), undefined));

  it('Node CommonJS SyntaxError: file and line from the first stack line', () => {
    assert.deepEqual(cjsSyntaxLocation("/w/t.ts:3\nfunction boom(): never {\n               ^\n\nSyntaxError: Unexpected token ':'"), {
      file: '/w/t.ts',
      line: 3,
    });
    assert.equal(cjsSyntaxLocation('SyntaxError: Unexpected token\n    at x (node:internal/x:1:1)'), undefined);
  });

  it('the first stack frame inside the file, as a path or a file URL', () => {
    const stack = 'Error: kaboom\n    at helper (/w/lib.ts:9:3)\n    at boom (/w/inv.ts:4:9)\n    at /w/inv.ts:6:25';
    assert.deepEqual(frameIn(stack, '/w/inv.ts'), { file: '/w/inv.ts', line: 4, column: 9 });
    assert.deepEqual(frameIn('Error: x\n    at file:///w/inv.js:6:25', '/w/inv.js'), { file: '/w/inv.js', line: 6, column: 25 });
    assert.equal(frameIn(stack, '/w/other.ts'), undefined);
  });

  it('an import that does not resolve: what, from where, and on which line', () => {
    assert.deepEqual(missingImport("Cannot find module '/w/hosts.js' imported from /w/inv.ts"), { missing: '/w/hosts.js', importer: '/w/inv.ts' });
    assert.deepEqual(missingImport("Cannot find package 'left-pad' imported from file:///w/inv.ts"), { missing: 'left-pad', importer: '/w/inv.ts' });
    assert.equal(importLine("// hosts\nconst a = 1;\nimport { h } from './hosts.js';\n", '/w/hosts.js'), 3);
    assert.equal(importLine('const hosts = 1;\n', '/w/hosts.js'), undefined);
  });
});
