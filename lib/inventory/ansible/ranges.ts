/**
 * Ansible host ranges: `web[01:20]` (zero-padded as the start is), `db-[a:f]`, `node[0:10:2]` (a stride),
 * several in one name. Pure; a bad range throws a plain Error the caller locates.
 */
const RANGE = /\[([^\]:]*):([^\]:]*)(?::([^\]]*))?\]/;

export function expandRange(name: string): string[] {
  const m = RANGE.exec(name);
  if (!m) return [name];
  const [whole, a = '', b = '', s] = m;
  const head = name.slice(0, m.index);
  const tail = name.slice(m.index + whole.length);
  const stride = s === undefined || s === '' ? 1 : Number(s);
  if (!Number.isInteger(stride) || stride < 1) throw new Error(`bad stride "${s}" in range ${whole}: expected a whole number of at least 1`);
  const out: string[] = [];
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const from = Number(a);
    const to = Number(b);
    if (to < from) throw new Error(`range ${whole} ends before it starts`);
    const width = a.length > 1 && a.startsWith('0') ? a.length : 0;
    for (let i = from; i <= to; i += stride) out.push(`${head}${String(i).padStart(width, '0')}${tail}`);
  } else if (/^[a-z]$/.test(a) && /^[a-z]$/.test(b)) {
    if (b < a) throw new Error(`range ${whole} ends before it starts`);
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c += stride) out.push(`${head}${String.fromCharCode(c)}${tail}`);
  } else {
    throw new Error(`bad range ${whole}: expected [START:END] of numbers (web[01:20]) or letters (db-[a:f])`);
  }
  return out.flatMap(expandRange);
}
