/// <reference types="jest" />
// The history search's glob (SQLite's GLOB, as IPython uses it): its syntax, and that hostile patterns
// cost at most input × pattern steps (a regular expression backtracks exponentially on them).
import { Glob, MAX_GLOB_LENGTH } from '../../kernel/server/glob';

const matches = (pattern: string, input: string): boolean => new Glob(pattern).matches(input);

test.each([
  ['*', '', true], ['*', 'anything\nat all', true], ['a*', 'abc', true], ['a*', 'bac', false],
  ['*c', 'abc', true], ['a?c', 'abc', true], ['a?c', 'ac', false], ['a?c', 'a😀c', true],
  ['[abc]x', 'bx', true], ['[abc]x', 'dx', false], ['[^abc]x', 'dx', true], ['[^abc]x', 'ax', false],
  ['[a-c]', 'b', true], ['[a-c]', 'd', false], ['[]a]', ']', true], ['[^]a]', ']', false],
  ['[z-a]', '[z-a]', true], ['[z-a]', 'z', false], ['[abc', '[abc', true], ['A*', 'abc', false],
  ['x = *', 'x = 1', true], ['*.*', 'a.b', true], ['*a*a*a', 'aaa', true], ['*a*a*a', 'aa', false],
])('%j against %j: %s', (pattern, input, expected) => {
  expect(matches(pattern, input)).toBe(expected);
});

test('12 stars against 60 characters, and worse, are decided at once', () => {
  const text = 'a'.repeat(60);
  expect(matches(`${'*a'.repeat(12)}b`, text)).toBe(false);
  expect(matches('*a'.repeat(12), text)).toBe(true);
  expect(matches(`${'*a'.repeat(400)}b`, 'a'.repeat(100_000))).toBe(false);
});

test('a pattern longer than the bound is refused', () => {
  expect(() => new Glob('*'.repeat(MAX_GLOB_LENGTH + 1))).toThrow(/at most/);
});
