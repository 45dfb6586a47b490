// `pyswitch --version`: the package's version, and which Pythons this copy has native addons for.
import * as fs from 'fs';
import * as path from 'path';

import { PACKAGE_ROOT, SUPPORTED_MINORS, hasNativeAddons } from '../interpreter/native-build';

export function versionText(): string {
  const { version } = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const ready = SUPPORTED_MINORS.filter((minor) => hasNativeAddons(minor));
  return `pyswitch ${version} (node ${process.versions.node}; native addons for Python ${ready.length > 0 ? ready.join(', ') : 'none yet: pyswitch build'})`;
}
