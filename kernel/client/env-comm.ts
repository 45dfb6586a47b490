// A frontend's side of the `pyswitch.env` comm: open it once, send requests, wait for the reply with the
// request's id (and see the env_changed events its handling published).
import { randomUUID } from 'crypto';

import { ENV_COMM_TARGET } from '../protocol/env-messages';
import { Message } from '../protocol/wire';
import { KernelClient } from './kernel-client';

const REPLY_MS = 60_000;

export type EnvData = Record<string, unknown>;

export class EnvComm {
  readonly commId = randomUUID();
  private next = 0;

  constructor(private readonly client: KernelClient) {}

  async open(): Promise<void> {
    const request = await this.client.send('shell', 'comm_open', { comm_id: this.commId, target_name: ENV_COMM_TARGET, data: {} });
    try {
      await request.untilIdle(REPLY_MS);
    } finally {
      request.dispose();
    }
  }

  // The reply to one request, every comm_msg its handling published on this comm (env_changed
  // included), and all the iopub messages of its handling.
  async request(data: EnvData): Promise<{ reply: EnvData; messages: EnvData[]; iopub: Message[] }> {
    const id = `r${++this.next}`;
    const request = await this.client.send('shell', 'comm_msg', { comm_id: this.commId, data: { ...data, id } });
    try {
      const iopub = await request.untilIdle(REPLY_MS);
      const messages = iopub.filter((m: Message) => m.header.msg_type === 'comm_msg' && m.content.comm_id === this.commId)
        .map((m: Message) => m.content.data as EnvData);
      const reply = messages.find((d) => d.id === id && 'reply' in d);
      if (!reply) throw new Error(`no reply to ${JSON.stringify(data)}; saw ${JSON.stringify(messages)}`);
      return { reply, messages, iopub };
    } finally {
      request.dispose();
    }
  }

  async switch(target: string): Promise<EnvData> {
    return (await this.request({ request: 'switch', target })).reply;
  }
}
