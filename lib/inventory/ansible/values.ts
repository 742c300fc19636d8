/**
 * An INI value as tsplay's typed roles need it: `8080` a number, `true`/`false` (and Ansible's
 * True/False/yes/no) a boolean, `[...]`/`{...}` JSON when it parses as JSON, anything else a string.
 * (Ansible reads inline host values as Python literals and [g:vars] values as strings, leaving the typing
 * to Jinja; tsplay's role schemas check types, so both are typed the same way here.) Pure.
 */
export function scalar(v: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(v) && !/^-?0\d/.test(v)) return Number(v);
  if (/^(true|True|yes|TRUE)$/.test(v)) return true;
  if (/^(false|False|no|FALSE)$/.test(v)) return false;
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}
