// Comm messages from the frontend: comm_open, comm_msg and comm_close go to the interpreter's comm
// manager (kernel/lang/pyswitch/_comm.py) with their binary buffers. They have no reply; what their
// callbacks publish has the message as parent.
import { ErrorFields, parseCommMessage, parseCommOpen } from '../protocol/messages';
import { Message } from '../protocol/wire';
import { log } from '../common/log';
import { PythonSession } from './python-session';

type CommResult = Record<string, never> | ({ status: 'error' } & ErrorFields);

export async function serveComm(python: PythonSession, message: Message): Promise<void> {
  const type = message.header.msg_type;
  const parsed = type === 'comm_open' ? parseCommOpen(message.content) : parseCommMessage(message.content);
  if (!parsed.ok) {
    log(`dropped a bad ${type}: ${parsed.error}`);
    return;
  }
  // Shaped as ipykernel hands messages to comm callbacks; fields beyond the spec's stay.
  const msg = {
    msg_id: message.header.msg_id,
    msg_type: type,
    header: message.header,
    parent_header: message.parent_header,
    metadata: message.metadata,
    content: { ...message.content, ...parsed.value },
  };
  const result = await python.request<CommResult>('comm', msg, message, message.buffers);
  if ('status' in result) log(`${type} failed in the kernel: ${result.ename}: ${result.evalue}\n${result.traceback.join('\n')}`);
}
