// The input history, answering history_request as IPython's HistoryManager does: tail and search
// across sessions, range within one. Past sessions come from the history file (history-file.ts), read
// for each request; this process is the newest session, whose inputs are also kept in memory (the
// file may fail). Outputs are not stored (IPython's default too): with output=true each input comes
// as [input, null].
import { Content, HistoryRequest, ParseResult, parseHistoryRequest } from '../protocol/messages';
import { Glob, MAX_GLOB_LENGTH, globTooLong } from './glob';
import { HistoryFile, MEMORY_BYTES, historyFilePath, StoredInput } from './history-file';

const ENTRY_OVERHEAD = 40; // what an entry costs beyond its input's characters, roughly

export type HistoryEntry = [session: number, line: number, input: string | [input: string, output: null]];

// A history_request as the protocol reads it, with a search pattern the kernel can match: a longer one
// is the request's fault (BadRequest), not the kernel's.
export function parseHistoryQuery(content: Content): ParseResult<HistoryRequest> {
  const parsed = parseHistoryRequest(content);
  if (parsed.ok && parsed.value.hist_access_type === 'search' && globTooLong(parsed.value.pattern)) {
    return { ok: false, error: `"pattern" must be at most ${MAX_GLOB_LENGTH} characters` };
  }
  return parsed;
}

export class History {
  private entries: StoredInput[] = []; // this session's, by line; the oldest go past MEMORY_BYTES
  private entryBytes = 0;
  private session: number | undefined;
  private file: HistoryFile | null = null;
  private readonly early: [line: number, input: string][] = []; // recorded before the file was read
  private opening: Promise<void> | undefined;

  constructor(private readonly path: string = historyFilePath(), private readonly memoryBytes = MEMORY_BYTES) {}

  // The file is opened (the session numbered) when history is first needed, not at start-up, where
  // reading a few MB of past sessions would hold up the first replies; the first cell's run covers it.
  private open(): Promise<void> {
    this.opening ??= HistoryFile.open(this.path).then((opened) => {
      this.session = opened.session;
      this.file = opened.file;
      for (const [line, input] of this.early.splice(0)) this.record(line, input);
    });
    return this.opening;
  }

  record(line: number, input: string): void {
    if (this.session === undefined) {
      this.early.push([line, input]);
      void this.open();
      return;
    }
    const entry: StoredInput = [this.session, line, input];
    this.keep(entry);
    this.file?.append(entry);
  }

  private keep(entry: StoredInput): void {
    this.entries.push(entry);
    this.entryBytes += entry[2].length + ENTRY_OVERHEAD;
    let drop = 0;
    while (this.entryBytes > this.memoryBytes && drop < this.entries.length - 1) {
      this.entryBytes -= this.entries[drop][2].length + ENTRY_OVERHEAD;
      drop += 1;
    }
    if (drop > 0) this.entries.splice(0, drop);
  }

  async query(request: HistoryRequest): Promise<HistoryEntry[]> {
    await this.open();
    const current = this.session as number;
    // The sessions before this one; kernels started since are not part of this one's history.
    const past = this.file ? (await this.file.read()).filter(([session]) => session < current) : [];
    const found = select([...past, ...this.entries], request, current);
    return request.output ? found.map(([session, line, input]) => [session, line, [input, null]]) : found;
  }
}

// `entries`: ordered by session and line; `current`: this process's session.
function select(entries: StoredInput[], request: HistoryRequest, current: number): StoredInput[] {
  switch (request.hist_access_type) {
    case 'tail':
      return last(entries, request.n);
    case 'range': {
      // 0 is this session, -1 the one before, and so on.
      const session = request.session <= 0 ? current + request.session : request.session;
      return entries.filter(([s, line]) => s === session && line >= request.start && line < request.stop);
    }
    case 'search': {
      const glob = new Glob(request.pattern);
      let found = entries.filter(([, , input]) => glob.matches(input));
      if (request.unique) {
        // The latest occurrence of each input stays, in its place.
        const seen = new Set<string>();
        found = found.reverse().filter(([, , input]) => !seen.has(input) && seen.add(input) !== undefined).reverse();
      }
      return request.n === null ? found : last(found, request.n);
    }
  }
}

function last<T>(items: T[], n: number): T[] {
  return n > 0 ? items.slice(-n) : [];
}
