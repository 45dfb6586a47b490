// pyswitch-jupyterlab: switching the pyswitch kernel's Python environment from JupyterLab. One plugin wires
// the parts: an EnvSession per notebook or console, the status bar item, the two commands (palette and
// Kernel menu), the picker, and the notebook's memory of its environment.
import { ILabShell, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, ISessionContext, showDialog } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { IConsoleTracker } from '@jupyterlab/console';
import { IMainMenu } from '@jupyterlab/mainmenu';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { EnvSession } from './env-session';
import { notifySwitch } from './notices';
import { rememberEnvironment } from './notebook-env';
import { BrowseOptions, EnvPicker } from './picker';
import { DiscoveredEnv, SwitchReply } from './protocol';
import { EnvStatusItem } from './status-item';

const PLUGIN_ID = 'pyswitch-jupyterlab:plugin';
export const SWITCH_COMMAND = 'pyswitch:switch-environment';
export const DISCOVER_COMMAND = 'pyswitch:discover-environments';

interface DiscoverySettings {
  roots: string[];
  depth: number;
}

// The discovery roots when settings cannot be read: the kernel's working directory (the notebook's
// folder) and the home folder, three levels deep (the schema's defaults).
const DEFAULT_DISCOVERY: DiscoverySettings = { roots: ['.', '~'], depth: 3 };

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Switch the pyswitch kernel\'s Python environment: status bar item, picker and commands.',
  autoStart: true,
  requires: [INotebookTracker, IConsoleTracker],
  optional: [IStatusBar, ICommandPalette, IMainMenu, ISettingRegistry, ILabShell],
  activate: (app: JupyterFrontEnd, notebooks: INotebookTracker, consoles: IConsoleTracker, statusBar: IStatusBar | null,
    palette: ICommandPalette | null, mainMenu: IMainMenu | null, settingRegistry: ISettingRegistry | null,
    labShell: ILabShell | null) => {
    const sessions = new Map<ISessionContext, EnvSession>();
    let discovery = DEFAULT_DISCOVERY;
    if (settingRegistry) {
      settingRegistry.load(PLUGIN_ID).then((settings) => {
        const read = (): void => {
          discovery = settings.composite as unknown as DiscoverySettings;
        };
        read();
        settings.changed.connect(read);
      }).catch((error: unknown) => console.warn('pyswitch: settings not loaded, using the defaults', error));
    }

    function track(widget: Widget & { sessionContext: ISessionContext }): EnvSession {
      const session = new EnvSession(widget.sessionContext);
      sessions.set(widget.sessionContext, session);
      session.changed.connect(update); // its kernel turned out to be pyswitch, or its environment changed
      widget.disposed.connect(() => {
        sessions.delete(widget.sessionContext);
        session.dispose();
        update();
      });
      return session;
    }
    notebooks.widgetAdded.connect((_, panel) => rememberEnvironment(panel, track(panel)));
    consoles.widgetAdded.connect((_, panel) => {
      track(panel);
    });

    // The session of the notebook or console the user is in.
    function current(): EnvSession | null {
      const widget = app.shell.currentWidget;
      if (!widget || !(notebooks.has(widget) || consoles.has(widget))) return null;
      const session = sessions.get((widget as Widget & { sessionContext: ISessionContext }).sessionContext);
      return session?.isPyswitch ? session : null;
    }

    async function discover(session: EnvSession): Promise<DiscoveredEnv[]> {
      return session.discover(discovery.roots, discovery.depth);
    }

    // The picker's Browse… reads the server's folders; the kernel is given absolute paths under its root.
    const browse: BrowseOptions = {
      list: async (path) => {
        const folder = await app.serviceManager.contents.get(path, { type: 'directory', content: true });
        const items = Array.isArray(folder.content) ? (folder.content as { name: string; type: string }[]) : [];
        return items.filter((item) => item.type === 'directory').map((item) => item.name).sort();
      },
      root: PageConfig.getOption('serverRoot').replace(/\/$/, ''),
    };

    async function switchTo(session: EnvSession, target: string): Promise<SwitchReply> {
      const reply = await session.switchTo(target);
      notifySwitch(reply);
      return reply;
    }

    async function pick(session: EnvSession): Promise<SwitchReply | null> {
      const picker = new EnvPicker(session, browse);
      discover(session).catch((error: unknown) => console.warn('pyswitch: discovery failed', error));
      const result = await showDialog({
        title: 'Switch Python environment',
        body: picker,
        buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Switch' })],
        focusNodeSelector: '.pyswitch-env-path',
      });
      const target = result.value ?? '';
      return result.button.accept && target ? switchTo(session, target) : null;
    }

    app.commands.addCommand(SWITCH_COMMAND, {
      label: 'Switch Python Environment…',
      caption: 'Switch the pyswitch kernel to another Python environment (a venv, a conda env, the system Python)',
      isEnabled: () => current() !== null,
      execute: async (args) => {
        const session = current();
        if (!session) throw new Error('the current notebook or console has no pyswitch kernel');
        return typeof args.target === 'string' ? switchTo(session, args.target) : pick(session);
      },
    });
    app.commands.addCommand(DISCOVER_COMMAND, {
      label: 'Discover Python Environments',
      caption: 'Look again for environments under the roots of pyswitch\'s settings',
      isEnabled: () => current() !== null,
      execute: async () => {
        const session = current();
        if (!session) throw new Error('the current notebook or console has no pyswitch kernel');
        return discover(session);
      },
    });
    palette?.addItem({ command: SWITCH_COMMAND, category: 'Kernel' });
    palette?.addItem({ command: DISCOVER_COMMAND, category: 'Kernel' });
    mainMenu?.kernelMenu.addGroup([{ command: SWITCH_COMMAND }, { command: DISCOVER_COMMAND }], 100);

    const item = new EnvStatusItem(() => {
      void app.commands.execute(SWITCH_COMMAND);
    });
    const activeChanged = new Signal<EnvStatusItem, void>(item);
    function update(): void {
      item.session = current();
      activeChanged.emit();
      app.commands.notifyCommandChanged(SWITCH_COMMAND);
      app.commands.notifyCommandChanged(DISCOVER_COMMAND);
    }
    statusBar?.registerStatusItem(PLUGIN_ID, {
      item,
      align: 'left',
      rank: 4,
      isActive: () => item.session !== null,
      activeStateChanged: activeChanged,
    });
    labShell?.currentChanged.connect(update);
    notebooks.currentChanged.connect(update);
    consoles.currentChanged.connect(update);
  },
};

export default plugin;
