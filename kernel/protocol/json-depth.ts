// Nesting depth of JSON bytes, measured before parsing: JSON.parse copes with any depth, but what it builds
// from a frame nested thousands deep makes JSON.stringify (of a parent header, for instance) overflow the
// stack later. One pass, no allocation; the bytes need not be valid JSON (JSON.parse judges that).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

// Deep enough for any message a frontend sends (widget states nest a few levels); shallow enough for the
// recursive walks over parsed content (stringify, the interpreter's json) to be safe (docs/reliability-facts.md, fact 5).
export const MAX_JSON_DEPTH = 256;

// Each level opens with a byte of its own: a frame with no more than `max` opening brackets (counted by
// Buffer's native indexOf, strings included) cannot nest deeper, and most frames have a handful.
function fewOpenings(bytes: Uint8Array, max: number): boolean {
  if (bytes.length <= max) return true;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let count = 0;
  for (const opening of [OPEN_ARRAY, OPEN_OBJECT]) {
    for (let at = buffer.indexOf(opening); at >= 0; at = buffer.indexOf(opening, at + 1)) {
      count += 1;
      if (count > max) return false;
    }
  }
  return true;
}

export function exceedsDepth(bytes: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  if (fewOpenings(bytes, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      depth += 1;
      if (depth > max) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth -= 1;
    }
  }
  return false;
}
