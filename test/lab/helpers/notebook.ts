// Notebooks in the test JupyterLab, driven as a user would: files in the server's folder, opened with
// the document manager, cells run through the notebook's commands, outputs read from the cell model.
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'puppeteer-core';

export function writeNotebook(root: string, name: string, kernel: string, metadata: Record<string, unknown> = {}): string {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: 'python' }, ...metadata },
    cells: [{ cell_type: 'code', id: 'c0', source: '', metadata: {}, outputs: [], execution_count: null }],
  };
  fs.writeFileSync(path.join(root, name), `${JSON.stringify(notebook, null, 1)}\n`);
  return name;
}

export function readNotebook(root: string, name: string): { metadata: Record<string, unknown> } {
  return JSON.parse(fs.readFileSync(path.join(root, name), 'utf8'));
}

// Opens a notebook and waits for its kernel to be started and idle; returns the kernel's name.
export async function openNotebook(page: Page, file: string): Promise<string> {
  return page.evaluate(async (file) => {
    const app = (window as any).jupyterapp;
    const panel = await app.commands.execute('docmanager:open', { path: file, factory: 'Notebook' });
    await panel.context.ready;
    await panel.sessionContext.ready;
    const kernel = panel.sessionContext.session?.kernel;
    if (!kernel) throw new Error(`${file} has no kernel`);
    if (kernel.status !== 'idle') {
      await new Promise<void>((resolve) => {
        const onStatus = (_: unknown, status: string): void => {
          if (status === 'idle') {
            kernel.statusChanged.disconnect(onStatus);
            resolve();
          }
        };
        kernel.statusChanged.connect(onStatus);
      });
    }
    return kernel.name as string;
  }, file);
}

// Runs `code` in a new last cell of the notebook (activated first) and returns the cell's output as text:
// streams, text/plain results, and errors as "ename: evalue".
export async function runCell(page: Page, file: string, code: string): Promise<string> {
  return page.evaluate(async (file, code) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    if (!panel) throw new Error(`${file} is not open`);
    app.shell.activateById(panel.id);
    const notebook = panel.content;
    notebook.activeCellIndex = notebook.widgets.length - 1;
    // Keys that a test typed while the notebook had the focus (a palette search that lost it to the
    // notebook mid-query, and retried) are command-mode shortcuts there: "m" and "r" make the cell
    // Markdown or raw, which have no outputs.
    if (notebook.activeCell.model.type !== 'code') await app.commands.execute('notebook:change-cell-to-code');
    const cell = notebook.activeCell;
    cell.model.sharedModel.setSource(code);
    await app.commands.execute('notebook:run-cell-and-insert-below');
    return cell.model.outputs.toJSON().map((output: any) => {
      if (output.output_type === 'stream') return output.text;
      if (output.output_type === 'error') return `${output.ename}: ${output.evalue}`;
      return output.data?.['text/plain'] ?? '';
    }).join('');
  }, file, code);
}

export async function saveNotebook(page: Page, file: string): Promise<void> {
  await page.evaluate(async (file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    await panel.context.save();
  }, file);
}
