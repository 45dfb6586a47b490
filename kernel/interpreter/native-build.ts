// Where the native addons for one Python major.minor are found: one build serves one major.minor
// (docs/runtime-facts.md, fact 2), and every installation of it (docs/packaging.md, fact 1). Two places,
// in this order:
// - a local build (build/native/pyX.Y), made on purpose: `npm install` in a clone, or `pyswitch build`;
// - the prebuilt addons the npm package ships (prebuilds/linux-x64-glibc/pyX.Y), made at `npm pack`.
// A local build wins, so a contributor's rebuild or a user's own build is never shadowed by a prebuilt.
import * as fs from 'fs';
import * as path from 'path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

// The minors the package ships prebuilt addons for; 3.7 takes the legacy init path.
export const SUPPORTED_MINORS: readonly string[] = ['3.7', '3.8', '3.9', '3.10', '3.11', '3.12', '3.13'];

export type NativeAddon = 'pyswitch_loader' | 'pyswitch_python';

export function nativeBuildDir(majorMinor: string): string {
  return path.join(PACKAGE_ROOT, 'build', 'native', `py${majorMinor}`);
}

function localBuildPath(majorMinor: string, addon: NativeAddon): string {
  return path.join(nativeBuildDir(majorMinor), 'Release', `${addon}.node`);
}

export const PREBUILT_TAG = 'linux-x64-glibc';

// The prebuilt addons serve linux-x64 with glibc (they need glibc 2.34, docs/packaging.md); elsewhere
// (musl, other architectures) there is no tag and only a local build serves.
export function prebuiltTag(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ? PREBUILT_TAG : undefined;
}

export const PREBUILDS_DIR = path.join(PACKAGE_ROOT, 'prebuilds');

// The loader does not depend on the Python version: one copy serves every minor.
export function prebuiltPath(tag: string, majorMinor: string, addon: NativeAddon): string {
  return addon === 'pyswitch_loader'
    ? path.join(PREBUILDS_DIR, tag, `${addon}.node`)
    : path.join(PREBUILDS_DIR, tag, `py${majorMinor}`, `${addon}.node`);
}

let tag: string | undefined | null = null; // null: not asked yet (the report is read once)

// The addon to load for `majorMinor`: the local build, else the prebuilt; when neither exists, the local
// build's path (which does not exist, so a caller can test it with fs.existsSync).
export function nativeAddonPath(majorMinor: string, addon: NativeAddon): string {
  const local = localBuildPath(majorMinor, addon);
  if (fs.existsSync(local)) return local;
  if (tag === null) tag = prebuiltTag();
  if (tag !== undefined) {
    const prebuilt = prebuiltPath(tag, majorMinor, addon);
    if (fs.existsSync(prebuilt)) return prebuilt;
  }
  return local;
}

export function hasNativeAddons(majorMinor: string): boolean {
  return fs.existsSync(nativeAddonPath(majorMinor, 'pyswitch_python')) &&
    fs.existsSync(nativeAddonPath(majorMinor, 'pyswitch_loader'));
}

export function buildCommandFor(executable: string): string {
  return `pyswitch build --python ${executable}`;
}
