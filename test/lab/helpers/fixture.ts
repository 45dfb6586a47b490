// One browser suite's world: a temp tree with pyswitch installed into a prefix (kernelspec and JupyterLab
// extension), the extension's discovery settings, the test JupyterLab serving it, and Chromium.
import * as fs from 'fs';
import * as path from 'path';

import { removeTree, tempTree } from '../../envs/fixtures';
import { Need } from '../../helpers/pythons';
import { CHROMIUM, LabBrowser, launchChromium } from './browser';
import { LabServer, installPyswitch, labAppBuilt, startLab } from './lab-server';

// What every browser suite needs from the machine (testNeeding() skips a file's tests and says which is missing).
export const LAB_NEEDS: Need[] = [
  { what: `Debian's chromium (${CHROMIUM})`, found: fs.existsSync(CHROMIUM) },
  { what: "Debian's python3-jupyterlab-server", found: fs.existsSync('/usr/lib/python3/dist-packages/jupyterlab_server') },
  { what: 'the test JupyterLab, built by `npm run test:lab`', found: labAppBuilt() },
];

export interface LabFixture {
  dir: string;
  server: LabServer;
  lab: LabBrowser;
}

// `settings` are the extension's (pyswitch-jupyterlab:plugin), written as a user's settings file;
// `installArgs` go to `pyswitch install` (such as `--python` for the kernel's interpreter).
export async function startLabFixture(name: string, settings?: Record<string, unknown>, installArgs: string[] = []): Promise<LabFixture> {
  const dir = tempTree(`lab-${name}`);
  const prefix = path.join(dir, 'prefix');
  await installPyswitch(prefix, ...installArgs);
  if (settings) {
    const file = path.join(dir, 'settings', 'pyswitch-jupyterlab', 'plugin.jupyterlab-settings');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(settings));
  }
  const server = await startLab({ dir, prefix });
  const lab = await launchChromium();
  return { dir, server, lab };
}

export async function stopLabFixture(fixture: LabFixture | undefined): Promise<void> {
  if (!fixture) return;
  await fixture.lab.close();
  await fixture.server.stop();
  removeTree(fixture.dir);
}
