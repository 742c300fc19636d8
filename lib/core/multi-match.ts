/**
 * Finding many strings at once in one pass (Aho-Corasick over UTF-16 code units): redact() runs on every
 * printed line with every form of every secret (200 secrets are over 1,400 forms, a kubeconfig's forms
 * are tens of kilobytes). The automaton holds only each needle's first KEY code units; a hit on those is
 * confirmed with startsWith. A RegExp alternation of that many forms, even built as a trie, took 0.3-0.8 s
 * per MB for forms with varied first characters; this takes tens of milliseconds per MB whatever the
 * forms, plus a build when the set changes. Pure.
 */

export interface Needle {
  readonly text: string;
  /** Match only as a whole token: not where a word character at its edge continues into the text around it. */
  readonly token?: boolean;
}

/** Code units of each needle in the automaton: enough that a hit on them is rarely not the needle. */
const KEY = 12;

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

export class MultiMatcher {
  readonly #next: Map<number, number>[] = [new Map()];
  readonly #fail: number[] = [0];
  /** The needles whose key ends at each state (longest first), or undefined. */
  readonly #own: (Needle[] | undefined)[] = [undefined];
  /** The nearest state down the fail chain with needles of its own, or 0 for none. */
  readonly #dict: number[] = [0];

  constructor(needles: Iterable<Needle>) {
    const unique = new Map<string, Needle>();
    // The same text as a token and matched anywhere: anywhere wins (it masks more).
    for (const n of needles) if (n.text !== '' && (unique.get(n.text)?.token ?? true)) unique.set(n.text, n);
    for (const n of unique.values()) this.#insert(n);
    for (const list of this.#own) list?.sort((a, b) => b.text.length - a.text.length);
    this.#link();
  }

  #insert(n: Needle): void {
    let s = 0;
    const key = Math.min(KEY, n.text.length);
    for (let i = 0; i < key; i++) {
      const c = n.text.charCodeAt(i);
      let t = this.#next[s]!.get(c);
      if (t === undefined) {
        t = this.#next.push(new Map()) - 1;
        this.#fail.push(0);
        this.#own.push(undefined);
        this.#dict.push(0);
        this.#next[s]!.set(c, t);
      }
      s = t;
    }
    (this.#own[s] ??= []).push(n);
  }

  /** Fail and dictionary links, breadth first. */
  #link(): void {
    const queue: number[] = [...this.#next[0]!.values()];
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      for (const [c, t] of this.#next[s]!) {
        let f = this.#fail[s]!;
        while (f !== 0 && !this.#next[f]!.has(c)) f = this.#fail[f]!;
        const to = this.#next[f]!.get(c);
        const ft = to !== undefined && to !== t ? to : 0;
        this.#fail[t] = ft;
        this.#dict[t] = this.#own[ft] ? ft : this.#dict[ft]!;
        queue.push(t);
      }
    }
  }

  /** Every match as [start, end) code-unit ranges; token needles only where they stand whole. */
  matches(text: string): [number, number][] {
    const out: [number, number][] = [];
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let t = this.#next[s]!.get(c);
      while (t === undefined && s !== 0) {
        s = this.#fail[s]!;
        t = this.#next[s]!.get(c);
      }
      s = t ?? 0;
      for (let d = this.#own[s] ? s : this.#dict[s]!; d !== 0; d = this.#dict[d]!) {
        const list = this.#own[d]!;
        const start = i + 1 - Math.min(KEY, list[0]!.text.length);
        // Longest first: the first needle that is really there is the match at this start.
        const n = list.find((x) => text.startsWith(x.text, start) && !(x.token && !wholeToken(text, start, start + x.text.length)));
        if (n) out.push([start, start + n.text.length]);
      }
    }
    return out;
  }

  /** The text with every match replaced by `mask`; overlapping matches become one mask. */
  replaceAll(text: string, mask: string): string {
    const found = this.matches(text);
    if (found.length === 0) return text;
    found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let out = '';
    let at = 0;
    for (const [start, end] of found) {
      if (end <= at) continue;
      if (start >= at) out += text.slice(at, start) + mask;
      at = end;
    }
    return out + text.slice(at);
  }
}

/** A word character at an edge of text[start, end) is not continued by one outside it. */
function wholeToken(text: string, start: number, end: number): boolean {
  if (isWord(text.charCodeAt(start)) && start > 0 && isWord(text.charCodeAt(start - 1))) return false;
  return !(isWord(text.charCodeAt(end - 1)) && end < text.length && isWord(text.charCodeAt(end)));
}
