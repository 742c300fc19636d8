/**
 * The hostile values the fault suite feeds through every resource, as plain data ({ name, value }, the
 * shape of test/resources/hostile-values.ts, which the suite uses instead when it exists). Values that
 * would run something touch a canary under /tmp/tsplay-canary-*: its appearing on a host means executed.
 */
export interface HostileValue {
  readonly name: string;
  readonly value: string;
}

/** This suite's rows that it adds to the shared table when that table lacks them (by name). */
export const SUITE_ROWS: readonly string[] = [
  'newline unit injection',
  'CR unit injection',
  'heredoc terminator',
  'sysctl key escape',
  'sysctl value injection',
];

export const CANARY_PREFIX = '/tmp/tsplay-canary';
const canary = (name: string) => `${CANARY_PREFIX}-${name}`;

export const localHostileValues: readonly HostileValue[] = [
  { name: 'single quote', value: "it's" },
  { name: 'double quote', value: 'say "hi"' },
  { name: 'command substitution', value: `$(touch ${canary('subst')})` },
  { name: 'backticks', value: `\`touch ${canary('tick')}\`` },
  { name: 'semicolon', value: `x; touch ${canary('semi')}` },
  { name: 'dollar vars', value: '$HOME ${PATH}' },
  { name: 'backslashes', value: 'a\\b\\n\\' },
  { name: 'newline', value: 'a\nb' },
  { name: 'newline unit injection', value: `x\n[Service]\nExecStartPre=+/bin/touch ${canary('nl-unit')}` },
  { name: 'carriage return', value: 'a\rb' },
  { name: 'CR unit injection', value: `x\r[Service]\rExecStartPre=+/bin/touch ${canary('cr-unit')}\r` },
  { name: 'heredoc terminator', value: `x\nTSPLAY_EOF\ntouch ${canary('eof')}` },
  { name: 'NUL', value: 'a\u0000b' },
  { name: 'leading dash', value: '-rf' },
  { name: 'option injection', value: '--reference=/etc/shadow' },
  { name: 'glob star', value: '*' },
  { name: 'glob class', value: '?[a-z]*' },
  { name: 'dot dot', value: '..' },
  { name: 'path traversal', value: `../../../tmp/tsplay-canary-dotdot` },
  { name: 'sysctl key escape', value: `net/../../../tmp/tsplay-canary-sysctl` },
  { name: 'sysctl value injection', value: '1025\nkernel.panic = 1' },
  { name: 'unicode', value: 'héllo wörld ✓ 日本 🚀' },
  { name: 'escape sequence', value: 'a\u001b[31mred\u0007' },
  { name: 'OSC title', value: '\u001b]0;pwned\u0007' },
  { name: 'control chars', value: 'a\u0001\u0008\u007fb' },
  { name: 'percent specifiers', value: '100% %n %i %% %' },
  { name: 'tab and spaces', value: ' a\tb  ' },
  { name: 'empty', value: '' },
];
