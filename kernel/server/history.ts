// The input history, answering history_request as IPython's HistoryManager does: tail and search
// across sessions, range within one. Past sessions come from the history file (history-file.ts);
// this process is the newest session. Outputs are not stored (IPython's default too): with
// output=true each input comes as [input, null].
import { HistoryRequest } from '../protocol/messages';
import { HistoryFile, historyFilePath, StoredInput } from './history-file';

export type HistoryEntry = [session: number, line: number, input: string | [input: string, output: null]];

export class History {
  private entries: StoredInput[] = []; // ordered by session and line
  private session: number | undefined;
  private file: HistoryFile | null = null;
  private readonly early: [line: number, input: string][] = []; // recorded before the file was read
  private opening: Promise<void> | undefined;

  constructor(private readonly path: string = historyFilePath()) {}

  // The file is read when history is first needed, not at start-up, where parsing a few MB of past
  // sessions would hold up the first replies; the first cell's run covers the read instead.
  private open(): Promise<void> {
    this.opening ??= HistoryFile.open(this.path).then((opened) => {
      this.entries = opened.past; // nothing is recorded before: inputs wait in `early`
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
    this.entries.push(entry);
    this.file?.append(entry);
  }

  async query(request: HistoryRequest): Promise<HistoryEntry[]> {
    await this.open();
    const found = this.select(request);
    return request.output ? found.map(([session, line, input]) => [session, line, [input, null]]) : found;
  }

  private select(request: HistoryRequest): StoredInput[] {
    switch (request.hist_access_type) {
      case 'tail':
        return last(this.entries, request.n);
      case 'range': {
        // 0 is this session, -1 the one before, and so on.
        const session = request.session <= 0 ? (this.session as number) + request.session : request.session;
        return this.entries.filter(([s, line]) => s === session && line >= request.start && line < request.stop);
      }
      case 'search': {
        const pattern = globToRegExp(request.pattern);
        let found = this.entries.filter(([, , input]) => pattern.test(input));
        if (request.unique) {
          // The latest occurrence of each input stays, in its place.
          const seen = new Set<string>();
          found = found.reverse().filter(([, , input]) => !seen.has(input) && seen.add(input) !== undefined).reverse();
        }
        return request.n === null ? found : last(found, request.n);
      }
    }
  }
}

function last<T>(items: T[], n: number): T[] {
  return n > 0 ? items.slice(-n) : [];
}

// IPython searches with SQLite's GLOB, matched against the whole input: * ? [abc] [^abc] [a-z],
// case-sensitive. A bracket that makes no valid class ([z-a]) is taken literally.
export function globToRegExp(glob: string, classes = true): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob[i];
    const close = classes && char === '[' ? glob.indexOf(']', i + (glob[i + 1] === '^' ? 3 : 2)) : -1;
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (close !== -1) {
      const negated = glob[i + 1] === '^';
      const members = glob.slice(i + (negated ? 2 : 1), close).replace(/[\\\]^]/g, '\\$&');
      source += `[${negated ? '^' : ''}${members}]`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`, 'u'); // u: ? is one character, not one UTF-16 unit
  } catch (error) {
    if (classes && error instanceof SyntaxError) return globToRegExp(glob, false);
    throw error;
  }
}
