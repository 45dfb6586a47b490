// The session's input history, answering history_request (tail, range and search).
import { HistoryRequest } from '../protocol/messages';

type Entry = [session: number, line: number, input: string];

export class History {
  private readonly entries: Entry[] = [];
  private readonly session = 1;

  record(executionCount: number, code: string): void {
    this.entries.push([this.session, executionCount, code]);
  }

  query(request: HistoryRequest): Entry[] {
    switch (request.hist_access_type) {
      case 'tail':
        return this.entries.slice(-Math.max(0, request.n));
      case 'range': {
        const session = request.session <= 0 ? this.session + request.session : request.session;
        return this.entries.filter(([s, line]) => s === session && line >= request.start && line < request.stop);
      }
      case 'search': {
        const pattern = globToRegExp(request.pattern);
        let found = this.entries.filter(([, , input]) => pattern.test(input));
        if (request.unique) {
          const seen = new Set<string>();
          found = found.reverse().filter(([, , input]) => !seen.has(input) && seen.add(input) !== undefined).reverse();
        }
        return request.n === null ? found : found.slice(-Math.max(0, request.n));
      }
    }
  }
}

// IPython's search patterns are globs matched against the whole input.
function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${escaped}$`);
}
