// The status bar item: the active environment of the current notebook's or console's pyswitch kernel
// (name, kind, version), "Switching to …" while a switch runs; a click opens the picker.
import { Widget } from '@lumino/widgets';

import { EnvSession } from './env-session';
import { envName, versionText } from './protocol';

export const STATUS_CLASS = 'pyswitch-env-status';
const BUSY_CLASS = 'pyswitch-env-status-busy';

export class EnvStatusItem extends Widget {
  constructor(private readonly onClick: () => void) {
    super({ node: document.createElement('button') });
    this.addClass(STATUS_CLASS);
    this.addClass('jp-StatusBar-TextItem');
    this.node.addEventListener('click', () => this.onClick());
    this.render();
  }

  get session(): EnvSession | null {
    return this._session;
  }

  set session(session: EnvSession | null) {
    if (session === this._session) return;
    this._session?.changed.disconnect(this.render, this);
    this._session = session;
    session?.changed.connect(this.render, this);
    this.render();
  }

  private render(): void {
    const session = this._session;
    const env = session?.env ?? null;
    const switching = session?.switching ?? null;
    this.toggleClass(BUSY_CLASS, switching !== null);
    this.node.dataset.kind = env?.kind ?? '';
    if (switching !== null) {
      this.node.textContent = `Switching to ${switching}…`;
      this.node.title = 'pyswitch: an environment switch is running';
    } else if (env) {
      this.node.textContent = `${envName(env)} · ${env.kind} · ${versionText(env)}`;
      this.node.title = `Python environment: ${env.root} (${env.executable}). Click to switch.`;
    } else {
      this.node.textContent = 'pyswitch: environment unknown';
      this.node.title = 'The kernel has not said which environment it runs. Click to switch.';
    }
  }

  private _session: EnvSession | null = null;
}
