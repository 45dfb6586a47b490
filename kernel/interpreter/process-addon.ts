// The addon of process-level operations (native/loader.cc), which does not depend on the Python version:
// any build's copy serves.
import { nativeAddonPath } from './native-build';

export interface ProcessAddon {
  loadGlobal(libraryPath: string): void;
  // execve: returns only by throwing, when the new image could not be started.
  replaceProcess(path: string, argv: string[], env: string[]): void;
}

export function processAddon(majorMinor: string): ProcessAddon {
  return require(nativeAddonPath(majorMinor, 'pyswitch_loader')) as ProcessAddon;
}
