// Reading typed fields out of JSON that came from the network: each parser says which field is wrong.
export type Content = Record<string, unknown>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export class FieldError extends Error {}

type JsonKinds = { string: string; boolean: boolean; number: number; object: Content; array: unknown[] };

// Reads a field of a JSON type; absent (or null) gives the fallback, or is an error when there is none.
export function read<K extends keyof JsonKinds, F = JsonKinds[K]>(content: Content, name: string, kind: K, fallback?: F): JsonKinds[K] | F {
  const value = content[name];
  if (value === undefined || value === null) {
    if (arguments.length < 4) throw new FieldError(`"${name}" is required`);
    return fallback as F;
  }
  const actual = Array.isArray(value) ? 'array' : typeof value;
  if (actual !== kind) throw new FieldError(`"${name}" must be a${kind === 'array' || kind === 'object' ? 'n' : ''} ${kind}, not ${actual}`);
  return value as JsonKinds[K];
}

export function parse<T>(build: () => T): ParseResult<T> {
  try {
    return { ok: true, value: build() };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message };
    throw error;
  }
}
