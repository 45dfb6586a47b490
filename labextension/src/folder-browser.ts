// The picker's folder browser: the folders under the server's root as plain buttons, read through the
// contents API, in the picker's own dialog. It stands in for JupyterLab's file dialog, whose closing
// could keep the page busy for minutes (docs/jupyterlab-test-app.md, "Closing JupyterLab's file dialog
// can keep the page busy for minutes").

// Lists the subfolders of a folder given relative to the server's root ('' is the root), by name.
export type FolderLister = (path: string) => Promise<string[]>;

const ENTRY_CLASS = 'pyswitch-folder';

function parentOf(path: string): string {
  return path.split('/').slice(0, -1).join('/');
}

export class FolderBrowser {
  readonly node = document.createElement('div');

  // `enter` is told each folder the user opens, as a path relative to the server's root.
  constructor(private readonly list: FolderLister, private readonly enter: (path: string) => void) {
    this.node.className = 'pyswitch-folder-browser';
    this.node.hidden = true;
    this.heading.className = 'pyswitch-folder-heading';
    this.entries.className = 'pyswitch-folder-list';
    this.node.append(this.heading, this.entries);
  }

  get isOpen(): boolean {
    return !this.node.hidden;
  }

  close(): void {
    this.node.hidden = true;
    this.shown += 1; // a listing still on its way is not drawn
  }

  // Shows the folder at `path` and its subfolders.
  async open(path: string): Promise<void> {
    this.node.hidden = false;
    const shown = ++this.shown;
    this.heading.textContent = `/${path}`;
    this.entries.replaceChildren();
    this.entries.textContent = 'Reading the folder…';
    let names: string[] | null = null;
    let failure = '';
    try {
      names = await this.list(path);
    } catch (error: unknown) {
      failure = `Cannot read /${path}: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (shown !== this.shown) return; // the user went on to another folder meanwhile
    this.entries.replaceChildren();
    if (names === null) this.entries.append(document.createTextNode(failure));
    // Up is always there, so a folder that cannot be read is no dead end.
    if (path !== '') this.entries.append(this.entry('..', parentOf(path)));
    for (const name of names ?? []) this.entries.append(this.entry(name, path === '' ? name : `${path}/${name}`));
    if (names?.length === 0) this.entries.append(document.createTextNode('No folders in here.'));
  }

  private entry(label: string, path: string): HTMLElement {
    const button = document.createElement('button');
    button.className = ENTRY_CLASS;
    button.dataset.name = label;
    button.textContent = label === '..' ? '.. (up)' : `${label}/`;
    button.addEventListener('click', () => {
      this.enter(path);
      this.open(path).catch((error: unknown) => console.warn('pyswitch: folder not shown', error));
    });
    return button;
  }

  private readonly heading = document.createElement('div');
  private readonly entries = document.createElement('div');
  private shown = 0; // which open() may draw: the latest
}
