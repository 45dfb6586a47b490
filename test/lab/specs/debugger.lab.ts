/// <reference types="jest" />
// JupyterLab's debugger on pyswitch (issue 9), in Chromium, as a user drives it: on a kernel whose Python
// has debugpy (Debian's /usr/bin/python3 with python3-debugpy), turn the debugger on, click a cell's
// gutter for a breakpoint and run the cell: it stops there, and the Variables panel shows the values.
// Continue, and the cell's output appears. Screenshots: debugger-stopped.png, debugger-continued.png.
import * as fs from 'fs';
import { Page } from 'puppeteer-core';

import { PYTHONS } from '../../envs/fixtures';
import { testNeeding } from '../../helpers/pythons';
import { openLab, screenshot } from '../helpers/browser';
import { LAB_NEEDS, LabFixture, startLabFixture, stopLabFixture } from '../helpers/fixture';
import { activate } from '../helpers/lab-ui';
import { openNotebook, writeNotebook } from '../helpers/notebook';

const DEBUGPY = { what: "Debian's python3-debugpy", found: fs.existsSync('/usr/lib/python3/dist-packages/debugpy') };
const it = testNeeding(...LAB_NEEDS, PYTHONS.debian311, DEBUGPY);
const FILE = 'debug.ipynb';
const CELL = 'a = 40\nb = a + 2\nprint("sum", b)';
const WAIT_MS = 60_000;
const TOOLBAR_BUG = '.jp-NotebookPanel-toolbar .jp-DebuggerBugButton';
// Element 0 of CodeMirror's breakpoint gutter is its spacer: line N is element N + 1 (nth-child).
const GUTTER_LINE_2 = '.jp-Notebook .jp-Cell .cm-gutters > .cm-gutter.cm-breakpoint-gutter > .cm-gutterElement:nth-child(3)';

let fx: LabFixture;

beforeAll(async () => {
  fx = await startLabFixture('debugger', undefined, ['--python', PYTHONS.debian311.executable]);
});

afterAll(async () => {
  await stopLabFixture(fx);
});

// Waits until JupyterLab's debugger has no debug_request to the notebook's kernel in flight. Whenever a
// notebook becomes the current widget, the debugger brings its handler up to date with a chain of debugInfo
// requests, and a bug-button press during that chain is lost (a JupyterLab defect, docs/debugger.md fact
// 19): the press's requests wait on a promise nobody resolves, and the button turns itself off again. The
// chain always has a request in flight between two tasks, so none in flight means it is over. The
// kernel's requests in flight are its KernelConnection's private _futures, by msg_id.
function debuggerSettled(page: Page): Promise<unknown> {
  return page.waitForFunction((file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    const futures = panel.sessionContext.session?.kernel?._futures;
    if (!(futures instanceof Map)) throw new Error("the kernel connection has no _futures map: JupyterLab's internals changed");
    return ![...futures.values()].some((future: any) => future.msg.header.msg_type === 'debug_request');
  }, { timeout: WAIT_MS }, FILE);
}

// The first cell's source and its outputs as text, from the notebook's model.
function firstCell(page: Page): Promise<{ source: string; output: string }> {
  return page.evaluate((file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    const cell = panel.content.widgets[0];
    const output = cell.model.outputs.toJSON().map((o: any) => o.text ?? o.data?.['text/plain'] ?? '').join('');
    return { source: cell.model.sharedModel.getSource(), output };
  }, FILE);
}

it('a breakpoint stops a cell, the Variables panel shows its values, and continue lets it finish', async () => {
  const page = await openLab(fx.lab, fx.server, 'debugger');
  writeNotebook(fx.server.root, FILE, 'pyswitch');
  expect(await openNotebook(page, FILE)).toBe('pyswitch');
  await page.evaluate((file, code) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    panel.content.widgets[0].model.sharedModel.setSource(code);
    panel.content.activeCellIndex = 0;
  }, FILE, CELL);

  // The bug button is enabled by the kernelspec's debugger: true. It acts only for the shell's current
  // widget, which the notebook becomes once activated; turned on, it opens the debugger panel. It is
  // pressed once the debugger has caught up with the notebook becoming current.
  await activate(page, FILE);
  await page.waitForFunction((file) => (window as any).jupyterapp.shell.currentWidget?.context?.path === file,
    { timeout: WAIT_MS }, FILE);
  const bug = await page.waitForSelector(`${TOOLBAR_BUG}:not([aria-disabled="true"])`, { timeout: WAIT_MS });
  await debuggerSettled(page);
  await bug!.click();
  // The button shows itself pressed on the click; it is still pressed once the debugger has started.
  await page.waitForSelector('.jp-DebuggerVariables', { visible: true, timeout: WAIT_MS });
  await page.waitForSelector(`${TOOLBAR_BUG}[aria-pressed="true"]`, { timeout: WAIT_MS });

  const gutter = await page.waitForSelector(GUTTER_LINE_2, { timeout: WAIT_MS });
  await gutter!.click();
  await page.waitForSelector('.jp-DebuggerBreakpoints .jp-DebuggerBreakpoint', { timeout: WAIT_MS });

  // Not awaited: the command settles once the cell has run, after the continue.
  await page.evaluate(() => void (window as any).jupyterapp.commands.execute('notebook:run-cell'));
  await page.waitForSelector('.jp-DebuggerCallstack-body .jp-DebuggerCallstackFrame', { timeout: WAIT_MS });
  await page.waitForFunction(() => {
    const text = (document.querySelector('.jp-DebuggerVariables') as HTMLElement | null)?.innerText ?? '';
    return /\ba\b/.test(text) && text.includes('40');
  }, { timeout: WAIT_MS });
  expect((await firstCell(page)).output).toBe(''); // stopped at line 2, before the print
  await screenshot(page, 'debugger-stopped');

  const resume = await page.waitForSelector('jp-button[title^="Continue"]', { timeout: WAIT_MS });
  await resume!.click();
  await page.waitForFunction((file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    return panel.content.widgets[0].model.outputs.toJSON().some((o: any) => (o.text ?? '').includes('sum 42'));
  }, { timeout: WAIT_MS }, FILE);
  expect((await firstCell(page)).output).toBe('sum 42\n');
  await screenshot(page, 'debugger-continued');
});
