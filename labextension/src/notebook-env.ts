// The notebook remembers its environment: after a successful switch `metadata.pyswitch.environment`
// holds the environment's root, executable and version (and kind); a notebook opened on a kernel in
// another environment asks whether to switch back to it. A recorded environment that is gone is reported.
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';

import { EnvSession } from './env-session';
import { notifySwitch } from './notices';
import { EnvInfo, envName, versionText } from './protocol';

export interface RecordedEnv {
  root: string;
  executable: string;
  version: string | null;
  kind?: EnvInfo['kind'];
}

const METADATA_KEY = 'pyswitch';

function recordedEnv(panel: NotebookPanel): RecordedEnv | null {
  const data = panel.model?.getMetadata(METADATA_KEY) as { environment?: RecordedEnv } | undefined;
  const env = data?.environment;
  return env && typeof env.root === 'string' && typeof env.executable === 'string' ? env : null;
}

function sameEnv(a: RecordedEnv, b: EnvInfo): boolean {
  return a.root === b.root && a.executable === b.executable;
}

function record(panel: NotebookPanel, env: EnvInfo): void {
  const model = panel.model;
  if (!model) return;
  const recorded = recordedEnv(panel);
  if (recorded && sameEnv(recorded, env) && recorded.version === env.version) return; // nothing to dirty
  const data = (model.getMetadata(METADATA_KEY) as Record<string, unknown> | undefined) ?? {};
  model.setMetadata(METADATA_KEY, { ...data, environment: { root: env.root, executable: env.executable, version: env.version, kind: env.kind } });
}

// Whether the recorded environment is still there: an env directory is found by discovering its root
// itself; a base installation (kind "system") is taken as present, and a switch to it says if it is not.
async function stillThere(session: EnvSession, recorded: RecordedEnv): Promise<boolean> {
  if (recorded.kind === 'system') return true;
  const envs = await session.discover([recorded.root], 0);
  return envs.some((env) => env.root === recorded.root || env.executable === recorded.executable);
}

function reportMissing(recorded: RecordedEnv, current: EnvInfo): void {
  Notification.warning(`not_found: this notebook's recorded environment ${recorded.root} is missing; ` +
    `its kernel stays in ${envName(current)} (${current.root}).`, { autoClose: false });
}

async function offerRecorded(panel: NotebookPanel, session: EnvSession, recorded: RecordedEnv, current: EnvInfo): Promise<void> {
  if (!(await stillThere(session, recorded))) {
    reportMissing(recorded, current);
    return;
  }
  const name = envName({ ...recorded, kind: recorded.kind ?? 'venv' });
  const result = await showDialog({
    title: 'Switch to the notebook\'s environment?',
    body: `${panel.context.path} was last run in ${name} (${recorded.version === null ? 'version unknown' : `Python ${recorded.version}`}, ` +
      `${recorded.root}). Its kernel now runs ${envName(current)} (${versionText(current)}, ${current.root}). ` +
      `Switch to ${name}? Switching drops the kernel's variables.`,
    buttons: [Dialog.cancelButton({ label: 'Keep current' }), Dialog.okButton({ label: 'Switch' })],
  });
  if (!result.button.accept) return;
  const reply = await session.switchTo(recorded.executable);
  if (!reply.ok && reply.error.code === 'not_found') reportMissing(recorded, current);
  else notifySwitch(reply);
}

// Wires one notebook: records every environment change, and checks the recorded one once, when the
// kernel first says which environment it runs.
export function rememberEnvironment(panel: NotebookPanel, session: EnvSession): void {
  const check = (): void => {
    const current = session.env;
    if (!current) return;
    session.changed.disconnect(check);
    const recorded = recordedEnv(panel);
    if (recorded && !sameEnv(recorded, current)) {
      offerRecorded(panel, session, recorded, current).catch((error: unknown) => console.error('pyswitch:', error));
    }
  };
  void panel.context.ready.then(() => {
    session.envChanged.connect((_, env) => record(panel, env));
    session.changed.connect(check);
    check();
  });
}
