// pyvenv.cfg (PEP 405), read the way site.py reads it: `key = value` lines, keys case-insensitive.
import * as path from 'path';

import type { DiskReader } from './disk-reader';
import { normalizeVersion } from './env-info';

export const PYVENV_CFG = 'pyvenv.cfg';

export interface PyvenvCfg {
  home: string | null; // the directory of the base interpreter
  version: string | null; // `version` (venv, uv), else `version_info` (virtualenv), normalised to X.Y.Z
  executable: string | null;
  baseExecutable: string | null;
  includeSystemSitePackages: boolean;
}

export function parsePyvenvCfg(text: string): PyvenvCfg {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const version = values.get('version') ?? values.get('version_info');
  return {
    home: values.get('home') || null,
    version: version === undefined ? null : normalizeVersion(version),
    executable: values.get('executable') || null,
    baseExecutable: values.get('base-executable') || null,
    includeSystemSitePackages: values.get('include-system-site-packages')?.toLowerCase() === 'true',
  };
}

// A pyvenv.cfg that is no readable regular file (a FIFO, say) says nothing.
export async function readPyvenvCfg(disk: DiskReader, root: string): Promise<PyvenvCfg> {
  return parsePyvenvCfg((await disk.readSmallFile(path.join(root, PYVENV_CFG))) ?? '');
}
