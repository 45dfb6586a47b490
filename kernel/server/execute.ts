// execute_request as ipykernel serves it: execute_input, the run, the reply, the execution counter and
// history, and stop_on_error.
import { errorMessage } from '../common/error-message';
import { ExecuteReply, ExecuteRequest, ErrorFields, Content } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { History } from './history';
import { Publisher } from './publisher';
import { PythonSession, StartedRequest } from './python-session';

// payload (help pages, set_next_input, ask_exit) comes from IPython mode only.
type PythonExecuteResult =
  | { status: 'ok'; user_expressions: Content; payload?: Content[] }
  | ({ status: 'error'; user_expressions: Content; payload?: Content[] } & ErrorFields);

export interface CellName {
  file?: string; // IPython mode's and a debugged cell's; plain mode has none unless debugged
  debugged: boolean;
}

export interface StartedExecute {
  count: number; // the cell's execution_count
  result: Promise<PythonExecuteResult>; // never rejects
  release(): void;
}

export class Executor {
  // The kernel's counter: it goes on across environment switches, re-exec included.
  executionCount = 1;

  constructor(private readonly publisher: Publisher, private readonly history: History) {}

  // Hands the cell to the interpreter, which runs it at once; what it outputs waits for finish(). So the
  // next cell of a pipelined run can start while the reply and idle of the one before still go out
  // (docs/performance.md, "The next cell starts early"). Never throws: a cell the interpreter could not
  // take (its thread ended, say) finishes as an error reply with the counter.
  // `cell`: the cell's file name as the debugger knows it (debug-cells.ts), and whether a debug session is
  // on. IPython mode compiles every cell under that name, as ipykernel does, so a breakpoint set once the
  // debugger is on stops code that cells defined before, and cells of the same code share one linecache
  // entry; plain mode does only while debugged (its tracebacks name the cell by number).
  start(python: PythonSession, request: ExecuteRequest, parent: Message, cell: CellName): StartedExecute {
    const count = this.executionCount;
    if (request.store_history) {
      this.history.record(count, request.code); // before it runs: a cell that takes the process down is in the history
      this.executionCount += 1;
    }
    const payload = {
      code: request.code,
      silent: request.silent,
      store_history: request.store_history,
      user_expressions: request.user_expressions,
      allow_stdin: request.allow_stdin,
      execution_count: count,
      ...(cell.file ? { cell_file: cell.file } : {}),
      debugged: cell.debugged,
    };
    let started: StartedRequest<PythonExecuteResult>;
    try {
      started = python.begin<PythonExecuteResult>('execute', payload, parent);
    } catch (error) {
      started = { result: Promise.reject(error instanceof Error ? error : new Error(String(error))), release: () => undefined };
    }
    // Caught now: the result of a cell started early is awaited only once the cell before is answered.
    const result = started.result.catch((error: unknown): PythonExecuteResult =>
      ({ status: 'error', user_expressions: {}, ename: 'KernelError', evalue: errorMessage(error), traceback: [] }));
    return { count, result, release: () => started.release() };
  }

  // execute_input, then the cell's output and its reply.
  async finish(started: StartedExecute, request: ExecuteRequest, parent: Message): Promise<ExecuteReply> {
    const input = request.silent ? undefined : this.publisher.publish('execute_input', { code: request.code, execution_count: started.count }, parent);
    started.release(); // after execute_input: iopub sends go out in call order
    await input;
    const result = await started.result;
    // ipykernel replies with the counter as it stands after the run, less one.
    const replyCount = this.executionCount - 1;
    if (result.status === 'ok') {
      return { status: 'ok', execution_count: replyCount, user_expressions: result.user_expressions, payload: result.payload ?? [] };
    }
    return { ...result, execution_count: replyCount };
  }
}
