/**
 * Hostile values, as an attacker or a careless var would pass them: every string a resource accepts must
 * either be refused when the resource is built or checked (with an error naming it), or land literally.
 * Plain data, shared by test/resources/hostile-input.test.ts and the fault suite (which runs them on lab
 * hosts). A value that runs a command touches CANARY: the canary existing afterwards means execution.
 */

/** The file a hostile value creates if anything runs it as a command. */
export const CANARY = '/tmp/tsplay-hostile-canary';

export interface HostileValue {
  readonly name: string;
  readonly value: string;
}

export const HOSTILE_VALUES: readonly HostileValue[] = [
  { name: 'single quote', value: "it's" },
  { name: 'double quotes', value: 'say "hi"' },
  { name: 'command substitution', value: `$(touch ${CANARY})` },
  { name: 'backticks', value: `\`touch ${CANARY}\`` },
  { name: 'variable', value: '$HOME ${IFS} $$' },
  { name: 'semicolon', value: `a; touch ${CANARY}` },
  { name: 'pipe and and', value: `a | touch ${CANARY} && touch ${CANARY}` },
  { name: 'redirect', value: `a > ${CANARY}` },
  { name: 'newline', value: `a\ntouch ${CANARY}` },
  { name: 'carriage return', value: 'a\rb' },
  { name: 'CRLF', value: 'a\r\nb' },
  { name: 'systemd line injection', value: `x\r[Service]\rExecStartPre=+/bin/touch ${CANARY}\r` },
  { name: 'NUL', value: 'a\0b' },
  { name: 'leading dash', value: '-rf' },
  { name: 'option', value: '--reference=/etc/shadow' },
  { name: 'glob star', value: '*' },
  { name: 'glob question and class', value: 'a?[bc]' },
  { name: 'dot dot', value: '..' },
  { name: 'path traversal', value: '../../../tmp/tsplay-hostile-escape' },
  { name: 'absolute path', value: '/etc/passwd' },
  { name: 'unicode', value: 'ünïcødé ✓ 日本 😀' },
  { name: 'right-to-left override', value: 'abc\u202Etxt.exe' },
  { name: 'ESC colour', value: '\x1b[31mred\x1b[0m' },
  { name: 'OSC title', value: '\x1b]0;pwned\x07' },
  { name: 'control characters', value: 'bell\x07 bs\x08 del\x7f c1\x85' },
  { name: 'tab', value: 'a\tb' },
  { name: 'lone surrogate', value: 'a\uD800b' },
  { name: 'percent specifiers', value: '%n %h %% 100%' },
  { name: 'backslashes', value: 'a\\b\\\\c' },
  { name: 'trailing backslash', value: 'a\\' },
  { name: 'surrounding spaces', value: ' a ' },
  { name: 'colon and equals', value: 'a:b=c' },
  { name: 'comment', value: '# not a comment' },
  { name: 'empty', value: '' },
  { name: 'very long', value: 'a'.repeat(10_000) },
];
