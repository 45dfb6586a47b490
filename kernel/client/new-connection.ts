// A fresh connection for a kernel we start: free 127.0.0.1 ports, a random key, and the connection file
// (readable by us only) in the Jupyter runtime directory.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { ConnectionInfo } from '../transport/connection-file';
import { runtimeDir } from '../common/jupyter-paths';

const LOCALHOST = '127.0.0.1';

function listen(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => resolve(server));
  });
}

// Ports the OS hands out now. All are held open together so they differ; like jupyter_client we accept
// that another process may take one before the kernel binds it.
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, listen));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

// `ipcIn`: over ipc instead, with socket files in that directory (named as jupyter_client names them:
// <dir>/kernel-<id>-ipc-1 to -5).
export async function newConnectionInfo(kernelName?: string, ipcIn?: string): Promise<ConnectionInfo> {
  const [shell, control, iopub, stdin, hb] = ipcIn ? [1, 2, 3, 4, 5] : await freePorts(5);
  return {
    transport: ipcIn ? 'ipc' : 'tcp',
    ip: ipcIn ? path.join(ipcIn, `kernel-${randomUUID()}-ipc`) : LOCALHOST,
    shell_port: shell,
    control_port: control,
    iopub_port: iopub,
    stdin_port: stdin,
    hb_port: hb,
    key: randomUUID(),
    signature_scheme: 'hmac-sha256',
    ...(kernelName ? { kernel_name: kernelName } : {}),
  };
}

// The runtime directory, created private if missing; a temporary one when it cannot be created.
export function usableRuntimeDir(): string {
  const dir = runtimeDir();
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-runtime-'));
  }
}

export function writeConnectionFile(info: ConnectionInfo, dir: string): string {
  const file = path.join(dir, `kernel-${randomUUID()}.json`);
  fs.writeFileSync(file, `${JSON.stringify(info, null, 1)}\n`, { mode: 0o600 });
  return file;
}
