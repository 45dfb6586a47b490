// A switch request through the pyswitch.env comm, optionally naming the strategy (protocol v1 lets a
// request ask for a re-exec where an in-process switch would do).
import { EnvComm, EnvData } from '../../kernel/client/env-comm';
import { Message } from '../../kernel/protocol/wire';

export type Strategy = 're-exec' | 'in-process';

export function switchRequest(target: string, strategy?: Strategy): EnvData {
  return { request: 'switch', target, ...(strategy ? { strategy } : {}) };
}

export function requestSwitch(comm: EnvComm, target: string, strategy?: Strategy): Promise<{ reply: EnvData; messages: EnvData[]; iopub: Message[] }> {
  return comm.request(switchRequest(target, strategy));
}
