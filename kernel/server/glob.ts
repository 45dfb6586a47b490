// SQLite's GLOB, which IPython's history search uses, matched against a whole input: * ? [abc] [^abc]
// [a-z], case-sensitive, by code point. A bracket that makes no valid class ([z-a]) makes every bracket of
// the pattern literal. Matching never backtracks further than the last `*`, so a match costs at most
// (input length × pattern length) steps, whatever the pattern (a regular expression built from the glob
// backtracks exponentially: 12 stars against 60 characters took minutes).
type Token =
  | { kind: 'any' } // *
  | { kind: 'one' } // ?
  | { kind: 'char'; code: number }
  | { kind: 'class'; negated: boolean; ranges: [number, number][] };

export const MAX_GLOB_LENGTH = 1000; // code points; a history search pattern is a few words

function codePoints(text: string): number[] {
  return Array.from(text, (char) => char.codePointAt(0) as number);
}

// A class from `[` at `at`; null when there is no closing `]` (`]` right after `[` or `[^` is a member).
function readClass(pattern: number[], at: number): { token: Token; end: number } | null {
  const negated = pattern[at + 1] === 0x5e; // ^
  const first = at + (negated ? 2 : 1);
  const close = pattern.indexOf(0x5d, first + 1); // ]
  if (close < 0) return null;
  const ranges: [number, number][] = [];
  for (let i = first; i < close; i += 1) {
    if (pattern[i + 1] === 0x2d && i + 2 < close) { // a-z
      ranges.push([pattern[i], pattern[i + 2]]);
      i += 2;
    } else {
      ranges.push([pattern[i], pattern[i]]);
    }
  }
  return { token: { kind: 'class', negated, ranges }, end: close };
}

function tokenize(pattern: number[], classes: boolean): Token[] | null {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i += 1) {
    const code = pattern[i];
    const bracket = classes && code === 0x5b ? readClass(pattern, i) : null; // [
    if (code === 0x2a) { // *
      if (tokens[tokens.length - 1]?.kind !== 'any') tokens.push({ kind: 'any' });
    } else if (code === 0x3f) { // ?
      tokens.push({ kind: 'one' });
    } else if (bracket) {
      if (bracket.token.kind === 'class' && bracket.token.ranges.some(([lo, hi]) => lo > hi)) return null;
      tokens.push(bracket.token);
      i = bracket.end;
    } else {
      tokens.push({ kind: 'char', code });
    }
  }
  return tokens;
}

function matchesOne(token: Token, code: number): boolean {
  switch (token.kind) {
    case 'one':
      return true;
    case 'char':
      return token.code === code;
    case 'class':
      return token.ranges.some(([lo, hi]) => code >= lo && code <= hi) !== token.negated;
    case 'any':
      return false;
  }
}

export function globTooLong(pattern: string): boolean {
  // UTF-16 units are never fewer than code points: only a longer pattern needs counting.
  return pattern.length > MAX_GLOB_LENGTH && codePoints(pattern).length > MAX_GLOB_LENGTH;
}

export class Glob {
  private readonly tokens: Token[];

  constructor(pattern: string) {
    if (globTooLong(pattern)) throw new RangeError(`a glob is at most ${MAX_GLOB_LENGTH} characters`);
    const points = codePoints(pattern);
    this.tokens = tokenize(points, true) ?? (tokenize(points, false) as Token[]);
  }

  matches(input: string): boolean {
    const text = codePoints(input);
    const tokens = this.tokens;
    let t = 0;
    let i = 0;
    let star = -1; // the token after the last `*` seen, and where in the text it was tried
    let resume = 0;
    while (i < text.length) {
      const token = tokens[t];
      if (token?.kind === 'any') {
        star = t + 1;
        resume = i;
        t += 1;
      } else if (token && matchesOne(token, text[i])) {
        t += 1;
        i += 1;
      } else if (star >= 0) {
        resume += 1; // the last `*` takes one more character
        t = star;
        i = resume;
      } else {
        return false;
      }
    }
    while (tokens[t]?.kind === 'any') t += 1;
    return t === tokens.length;
  }
}
