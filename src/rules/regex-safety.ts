// Rejects regular expressions that can backtrack catastrophically: a repeated group that itself
// holds an unbounded quantifier or an alternation, as in (a+)+, (.*)*, (a|aa)+ or (\w+\s?)*.
// Conservative on purpose: a rule author can always write the pattern without the nesting.

interface GroupState {
  /** The group's content has *, + or {n,} somewhere inside. */
  unbounded: boolean;
  /** The group's content has a | at its own level. */
  alternation: boolean;
  /** Lookarounds do not consume text; repeating one is odd but not exponential. */
  lookaround: boolean;
}

/** The quantifier starting at `i`, if any: whether it repeats more than once and whether it is unbounded. */
function readQuantifier(src: string, i: number): { end: number; repeats: boolean; unbounded: boolean } | null {
  const c = src[i];
  if (c === '*' || c === '+') return { end: i + 1 + (src[i + 1] === '?' ? 1 : 0), repeats: true, unbounded: true };
  if (c === '?') return { end: i + 1 + (src[i + 1] === '?' ? 1 : 0), repeats: false, unbounded: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(src.slice(i));
    if (!m) return null; // a literal brace
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    return { end: i + m[0].length, repeats: max > 1, unbounded: max === Infinity };
  }
  return null;
}

/** Returns why `source` is unsafe, or null when it is fine. Assumes `source` compiles. */
export function checkRegexSafety(source: string): string | null {
  const stack: GroupState[] = [{ unbounded: false, alternation: false, lookaround: false }];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      i += 2;
    } else if (c === '[') {
      // skip the class; a ] right after [ or [^ is literal
      i += 1;
      if (source[i] === '^') i += 1;
      if (source[i] === ']') i += 1;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (c === '(') {
      const lookaround = /^\(\?(?:=|!|<=|<!)/.test(source.slice(i, i + 4));
      stack.push({ unbounded: false, alternation: false, lookaround });
      i += 1;
      continue; // no quantifier can follow an opening paren
    } else if (c === '|') {
      top.alternation = true;
      i += 1;
      continue;
    } else if (c === ')') {
      const group = stack.pop()!;
      const parent = stack[stack.length - 1];
      i += 1;
      const q = readQuantifier(source, i);
      if (q) {
        if (q.repeats && !group.lookaround && (group.unbounded || group.alternation)) {
          const text = source.slice(0, q.end);
          const why = group.unbounded ? 'a repeated group holds an unbounded quantifier' : 'a repeated group holds an alternation';
          return `${why} (near ${JSON.stringify(text.length > 40 ? '…' + text.slice(-40) : text)}); rewrite it without the nesting`;
        }
        i = q.end;
      }
      if (parent) parent.unbounded ||= group.unbounded || (q?.unbounded ?? false);
      continue;
    } else {
      i += 1;
    }
    // a quantifier after an atom (escape, class or character)
    const q = readQuantifier(source, i);
    if (q) {
      if (q.unbounded) top.unbounded = true;
      i = q.end;
    }
  }
  return null;
}
