// What a caught value says, for logs and error replies: an Error's message, anything else as a string.
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
