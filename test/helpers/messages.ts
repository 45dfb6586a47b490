// Reading what a request produced on iopub.
import { KernelClient } from '../../kernel/client/kernel-client';
import { Message } from '../../kernel/protocol/wire';

export function ofType(messages: Message[], msgType: string): Message[] {
  return messages.filter((message) => message.header.msg_type === msgType);
}

// The messages that show something to the user: everything but status and execute_input.
export function outputs(messages: Message[]): Message[] {
  return messages.filter((message) => !['status', 'execute_input'].includes(message.header.msg_type));
}

export function streamText(messages: Message[], name: 'stdout' | 'stderr'): string {
  return ofType(messages, 'stream').filter((message) => message.content.name === name)
    .map((message) => String(message.content.text)).join('');
}

export function plainText(message: Message | undefined): unknown {
  const data = message?.content.data as Record<string, unknown> | undefined;
  return data?.['text/plain'];
}

export function parentId(message: Message): string | undefined {
  return 'msg_id' in message.parent_header ? message.parent_header.msg_id : undefined;
}

export interface Seen {
  channel: string;
  message: Message;
}

// Every message the client receives from now on whose parent is msgId, on any channel.
export function collectByParent(client: KernelClient, msgId: string): { seen: Seen[]; stop: () => void } {
  const seen: Seen[] = [];
  const stop = client.observe((traffic) => {
    if (traffic.kind === 'received' && parentId(traffic.message) === msgId) seen.push({ channel: traffic.channel, message: traffic.message });
  });
  return { seen, stop };
}

// Runs a cell that must succeed; returns what it printed to stdout.
export async function stdoutOf(client: KernelClient, code: string, timeoutMs?: number): Promise<string> {
  const { reply, iopub } = await client.execute(code, { timeoutMs });
  if (reply.content.status !== 'ok') throw new Error(`cell failed: ${JSON.stringify(reply.content)}\n${code}`);
  return streamText(iopub, 'stdout');
}
