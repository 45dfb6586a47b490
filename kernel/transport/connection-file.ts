// The connection file a frontend hands the kernel: where to bind and how to sign.
import * as fs from 'fs';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type Channel = 'shell' | 'control' | 'iopub' | 'stdin' | 'hb';
export const CHANNELS: readonly Channel[] = ['shell', 'control', 'iopub', 'stdin', 'hb'];

export function parseConnectionInfo(text: string, source: string): ConnectionInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  const transport = raw.transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'ipc') throw new Error(`${source}: unsupported transport ${JSON.stringify(transport)}`);
  if (typeof raw.ip !== 'string') throw new Error(`${source}: "ip" is missing`);
  for (const channel of CHANNELS) {
    const port = raw[`${channel}_port`];
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0) {
      throw new Error(`${source}: "${channel}_port" must be a non-negative integer`);
    }
  }
  if (typeof (raw.key ?? '') !== 'string') throw new Error(`${source}: "key" must be a string`);
  return {
    ...(raw as unknown as ConnectionInfo),
    transport,
    key: (raw.key as string | undefined) ?? '',
    signature_scheme: typeof raw.signature_scheme === 'string' ? raw.signature_scheme : 'hmac-sha256',
  };
}

export function readConnectionFile(file: string): ConnectionInfo {
  return parseConnectionInfo(fs.readFileSync(file, 'utf8'), file);
}

// zmq endpoint of a channel: tcp://ip:port, or ipc://ip-port as jupyter_client names ipc sockets.
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  return info.transport === 'tcp' ? `tcp://${info.ip}:${info[`${channel}_port`]}` : `ipc://${ipcPath(info, channel)}`;
}

// The socket file of a channel over ipc, as Jupyter names it.
export function ipcPath(info: ConnectionInfo, channel: Channel): string {
  return `${info.ip}-${info[`${channel}_port`]}`;
}
