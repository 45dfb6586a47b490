// The addon of process-level operations (native/loader.cc), which does not depend on the Python version:
// any build's copy serves.
import { nativeAddonPath } from './native-build';

// Also the socket operations the transport layer asks for (its ListenerOps; native/listeners.h).
export interface ProcessAddon {
  loadGlobal(libraryPath: string): void;
  // execve: returns only by throwing, when the new image could not be started. `keep`: descriptors the
  // new image inherits; `output`: descriptors to make fds 1 and 2 first ([] leaves them).
  replaceProcess(path: string, argv: string[], env: string[], keep: number[], output: number[]): void;
  // malloc_trim(0): the allocator's free pages back to the system; true when some were.
  releaseFreeMemory(): boolean;
  // An in-memory file holding `bytes` (close-on-exec unless kept by replaceProcess).
  inheritableData(bytes: Buffer): number;
  bindTcp(ip: string, port: number, listen: boolean): number;
  takeOver(fd: number): void;
  bindUnix(path: string): number;
  takeOverPath(path: string): number;
  adoptListener(fd: number, where: number | string): void;
  connections(listeners: number[], shutdownWrite: boolean): { inode: number; listener: number; peerGone: boolean; unread: number }[]; // the transport's OpenConnection
}

export function processAddon(majorMinor: string): ProcessAddon {
  return require(nativeAddonPath(majorMinor, 'pyswitch_loader')) as ProcessAddon;
}
