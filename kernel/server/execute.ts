// execute_request as ipykernel serves it: execute_input, the run, the reply, the execution counter and
// history, and stop_on_error.
import { errorMessage } from '../common/error-message';
import { ExecuteReply, ExecuteRequest, ErrorFields, Content } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { History } from './history';
import { Publisher } from './publisher';
import { PythonSession } from './python-session';

// payload (help pages, set_next_input, ask_exit) comes from IPython mode only.
type PythonExecuteResult =
  | { status: 'ok'; user_expressions: Content; payload?: Content[] }
  | ({ status: 'error'; user_expressions: Content; payload?: Content[] } & ErrorFields);

export interface CellName {
  file?: string; // IPython mode's and a debugged cell's; plain mode has none unless debugged
  debugged: boolean;
}

export class Executor {
  // The kernel's counter: it goes on across environment switches, re-exec included.
  executionCount = 1;

  constructor(private readonly publisher: Publisher, private readonly history: History) {}

  // `cell`: the cell's file name as the debugger knows it (debug-cells.ts), and whether a debug session is
  // on. IPython mode compiles every cell under that name, as ipykernel does, so a breakpoint set once the
  // debugger is on stops code that cells defined before, and cells of the same code share one linecache
  // entry; plain mode does only while debugged (its tracebacks name the cell by number).
  async execute(python: PythonSession, request: ExecuteRequest, parent: Message, cell: CellName): Promise<ExecuteReply> {
    const count = this.executionCount;
    if (!request.silent) await this.publisher.publish('execute_input', { code: request.code, execution_count: count }, parent);
    if (request.store_history) {
      this.history.record(count, request.code);
      this.executionCount += 1;
    }
    let result: PythonExecuteResult;
    try {
      result = await python.request<PythonExecuteResult>('execute', {
        code: request.code,
        silent: request.silent,
        store_history: request.store_history,
        user_expressions: request.user_expressions,
        allow_stdin: request.allow_stdin,
        execution_count: count,
        ...(cell.file ? { cell_file: cell.file } : {}),
        debugged: cell.debugged,
      }, parent);
    } catch (error) {
      // The interpreter could not run it (its thread ended, say): still an execute_reply with the counter.
      result = { status: 'error', user_expressions: {}, ename: 'KernelError', evalue: errorMessage(error), traceback: [] };
    }
    // ipykernel replies with the counter as it stands after the run, less one.
    const replyCount = this.executionCount - 1;
    if (result.status === 'ok') {
      return { status: 'ok', execution_count: replyCount, user_expressions: result.user_expressions, payload: result.payload ?? [] };
    }
    return { ...result, execution_count: replyCount };
  }
}
