// Where the native addons for one Python major.minor live, and how to build them (DESIGN fact 2: one build
// serves one major.minor).
import * as path from 'path';

export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

export function nativeBuildDir(majorMinor: string): string {
  return path.join(PACKAGE_ROOT, 'build', 'native', `py${majorMinor}`);
}

export function nativeAddonPath(majorMinor: string, addon: 'pyswitch_loader' | 'pyswitch_python'): string {
  return path.join(nativeBuildDir(majorMinor), 'Release', `${addon}.node`);
}

export function buildCommandFor(executable: string): string {
  return `npm run build:native -- --python ${executable}`;
}
