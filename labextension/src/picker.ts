// The picker's body: the discovered environments (the active one marked; each with its kind and version;
// incompatible ones disabled, with the reason) and a path the user can type, or fill by browsing the
// server's folders below it. Its value is the switch target.
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { EnvSession } from './env-session';
import { FolderBrowser, FolderLister } from './folder-browser';
import { DiscoveredEnv, EnvInfo, envName, versionText } from './protocol';

const OPTION_CLASS = 'pyswitch-env-option';

function majorMinor(version: string | null): string | null {
  return version === null ? null : version.split('.').slice(0, 2).join('.');
}

// Why an environment cannot be switched to, or null when it can (or when discovery could not tell).
function incompatibility(env: DiscoveredEnv, active: EnvInfo | null): string | null {
  if (env.compatible !== false) return null;
  const kernel = majorMinor(active?.version ?? null);
  return `Python ${majorMinor(env.version) ?? '?'}: this kernel runs Python ${kernel ?? 'another version'} for its whole life`;
}

// Where Browse… reads folders: the lister, and the server's root as an absolute path (what the kernel
// is given, since it knows nothing of the server).
export interface BrowseOptions {
  list: FolderLister;
  root: string;
}

export class EnvPicker extends Widget implements Dialog.IBodyWidget<string> {
  constructor(private readonly session: EnvSession, browse: BrowseOptions) {
    super();
    this.addClass('pyswitch-env-picker');
    const active = document.createElement('p');
    active.className = 'pyswitch-env-picker-active';
    this.list.className = 'pyswitch-env-list';
    this.list.setAttribute('role', 'listbox');
    const row = document.createElement('div');
    row.className = 'pyswitch-env-path-row';
    this.input.className = 'pyswitch-env-path jp-mod-styled';
    this.input.placeholder = 'Path to a venv, a conda env or a python (or "system")';
    row.append(this.input);
    this.node.append(active, this.list, row);
    const folders = new FolderBrowser(browse.list, (path) => this.choose(path === '' ? browse.root : `${browse.root}/${path}`));
    const button = document.createElement('button');
    button.className = 'pyswitch-env-browse jp-mod-styled';
    button.textContent = 'Browse…';
    button.title = 'Browse the server\'s folders for an environment';
    button.addEventListener('click', () => {
      if (folders.isOpen) folders.close();
      else folders.open('').catch((error: unknown) => console.warn('pyswitch: folders not shown', error));
    });
    row.append(button);
    this.node.append(folders.node);
    this.activeLine = active;
    session.changed.connect(this.render, this);
    this.render();
  }

  getValue(): string {
    return this.input.value.trim();
  }

  override dispose(): void {
    this.session.changed.disconnect(this.render, this);
    super.dispose();
  }

  private render(): void {
    const active = this.session.env;
    this.activeLine.textContent = active
      ? `Active: ${envName(active)} · ${active.kind} · ${versionText(active)} (${active.root})`
      : 'Active: unknown';
    const envs = this.session.discovered;
    this.list.replaceChildren();
    if (envs === null) {
      this.list.textContent = 'Looking for environments…';
      return;
    }
    if (envs.length === 0) this.list.textContent = 'No environments found: type or browse to a path below.';
    // Those that can be switched to first (discovery's order otherwise).
    const sorted = [...envs].sort((a, b) => Number(a.compatible === false) - Number(b.compatible === false));
    for (const env of sorted) this.list.append(this.option(env, active));
  }

  private option(env: DiscoveredEnv, active: EnvInfo | null): HTMLElement {
    const button = document.createElement('button');
    button.className = OPTION_CLASS;
    button.dataset.root = env.root;
    button.setAttribute('role', 'option');
    const isActive = active !== null && (active.root === env.root || active.executable === env.executable);
    const reason = incompatibility(env, active);
    const name = document.createElement('span');
    name.className = 'pyswitch-env-name';
    name.textContent = `${envName(env)}${isActive ? ' (active)' : ''}`;
    const detail = document.createElement('span');
    detail.className = 'pyswitch-env-detail';
    detail.textContent = `${env.kind} · ${versionText(env)} · ${env.root}`;
    button.append(name, detail);
    if (isActive) button.classList.add('pyswitch-env-active');
    // The list is drawn again when a discovery answers (one starts as the picker opens): a pick stays picked.
    if (this.input.value === env.root) button.classList.add('jp-mod-selected');
    // Discovery runs nothing it finds, so some versions are unknown until the kernel asks the interpreter.
    if (env.compatible === null) button.title = 'Its files do not say its Python version: the kernel checks it when you switch';
    if (reason !== null) {
      button.disabled = true;
      button.title = reason;
      const why = document.createElement('span');
      why.className = 'pyswitch-env-reason';
      why.textContent = reason;
      button.append(why);
    }
    button.addEventListener('click', () => {
      this.choose(env.root);
      button.classList.add('jp-mod-selected');
    });
    return button;
  }

  // The target is now `path`: no row stays picked unless the caller picks it again.
  private choose(path: string): void {
    this.input.value = path;
    for (const other of this.list.querySelectorAll(`.${OPTION_CLASS}`)) other.classList.remove('jp-mod-selected');
  }

  private readonly list = document.createElement('div');
  private readonly input = document.createElement('input');
  private readonly activeLine: HTMLElement;
}
