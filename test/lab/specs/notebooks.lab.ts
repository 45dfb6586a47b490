/// <reference types="jest" />
// pyswitch-jupyterlab with several notebooks: each its own kernel and environment in the status bar, the
// comm reopened after a kernel restart, and a notebook's recorded environment offered when it is opened.
import * as path from 'path';
import { Page } from 'puppeteer-core';

import { PY311, PYTHONS, makeVenv } from '../../envs/fixtures';
import { testNeeding } from '../../helpers/pythons';
import { openLab, screenshot } from '../helpers/browser';
import { LAB_NEEDS, LabFixture, startLabFixture, stopLabFixture } from '../helpers/fixture';
import { DIALOG, TOAST, acceptDialog, activate, command, waitForText } from '../helpers/lab-ui';
import { openNotebook, runCell, writeNotebook } from '../helpers/notebook';

const it = testNeeding(...LAB_NEEDS, PYTHONS.py311);
const STATUS = '.pyswitch-env-status';

let fx: LabFixture;
let page: Page;
let ml: string;
let tools: string;

beforeAll(async () => {
  fx = await startLabFixture('notebooks', { roots: ['.'], depth: 2 });
  ml = await makeVenv(PY311, path.join(fx.server.root, 'envs', 'ml'));
  tools = await makeVenv(PY311, path.join(fx.server.root, 'envs', 'tools'));
  page = await openLab(fx.lab, fx.server, 'notebooks');
});

afterAll(async () => {
  await stopLabFixture(fx);
});

function kernelId(file: string): Promise<string> {
  return page.evaluate((file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    return panel.sessionContext.session.kernel.id as string;
  }, file);
}

it('two notebooks, each with its own kernel: the status bar follows the active one', async () => {
  writeNotebook(fx.server.root, 'one.ipynb', 'pyswitch');
  writeNotebook(fx.server.root, 'two.ipynb', 'pyswitch');
  await openNotebook(page, 'one.ipynb');
  await openNotebook(page, 'two.ipynb');
  expect(await kernelId('one.ipynb')).not.toBe(await kernelId('two.ipynb'));
  await activate(page, 'one.ipynb');
  expect(await command(page, 'pyswitch:switch-environment', { target: ml })).toMatchObject({ ok: true });
  await waitForText(page, STATUS, /^ml · venv/);
  await activate(page, 'two.ipynb');
  await waitForText(page, STATUS, /^system · system/);
  expect(await runCell(page, 'two.ipynb', 'import sys; print(sys.prefix == sys.base_prefix)')).toContain('True');
  await activate(page, 'one.ipynb');
  await waitForText(page, STATUS, /^ml · venv/);
  await screenshot(page, 'two-notebooks');
});

it('a console on a pyswitch kernel has the status bar item and the command', async () => {
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const panel = await app.commands.execute('console:create', { kernelPreference: { name: 'pyswitch' } });
    await panel.sessionContext.ready;
  });
  await waitForText(page, STATUS, /^system · system/);
  expect(await command(page, 'pyswitch:switch-environment', { target: tools })).toMatchObject({ ok: true, env: { root: tools } });
  await waitForText(page, STATUS, /^tools · venv/);
  await screenshot(page, 'console');
});

it('after a kernel restart the comm is reopened, the kernel is back in its environment, and switches work', async () => {
  await activate(page, 'one.ipynb');
  await page.evaluate(() => {
    const status = document.querySelector('.pyswitch-env-status')!;
    (window as any).restartSeen = [];
    new MutationObserver(() => (window as any).restartSeen.push(status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  });
  await page.evaluate(async () => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === 'one.ipynb');
    await panel.sessionContext.session.kernel.restart();
  });
  // The kernel answers `current` on the new comm; a frontend's restart keeps the environment (ml, switched to above).
  await page.waitForFunction(() => (window as any).restartSeen.length > 0, { timeout: 60_000 });
  await waitForText(page, STATUS, /^ml · venv · Python 3\.11/);
  expect(await runCell(page, 'one.ipynb', 'import sys; print(sys.prefix)')).toContain(ml);
  expect(await command(page, 'pyswitch:switch-environment', { target: tools })).toMatchObject({ ok: true });
  await waitForText(page, STATUS, /^tools · venv/);
});

it('a notebook whose recorded environment differs from its kernel\'s asks, and switches on accept', async () => {
  writeNotebook(fx.server.root, 'recorded.ipynb', 'pyswitch', {
    pyswitch: { environment: { root: ml, executable: path.join(ml, 'bin', 'python'), version: null, kind: 'venv' } },
  });
  await openNotebook(page, 'recorded.ipynb');
  const text = await waitForText(page, DIALOG, 'Switch to the notebook\'s environment?');
  expect(text).toContain(`recorded.ipynb was last run in ml`);
  await screenshot(page, 'recorded-environment-dialog');
  await acceptDialog(page);
  await waitForText(page, STATUS, /^ml · venv/);
  expect(await runCell(page, 'recorded.ipynb', 'import sys; print(sys.prefix)')).toContain(ml);
});

it('declining the recorded environment keeps the kernel\'s, and the record', async () => {
  writeNotebook(fx.server.root, 'declined.ipynb', 'pyswitch', {
    pyswitch: { environment: { root: ml, executable: path.join(ml, 'bin', 'python'), version: '3.11.7', kind: 'venv' } },
  });
  await openNotebook(page, 'declined.ipynb');
  await waitForText(page, DIALOG, 'Switch to the notebook\'s environment?');
  await page.click(`${DIALOG} .jp-Dialog-button.jp-mod-reject`);
  await page.waitForFunction(() => document.querySelector('.jp-Dialog') === null);
  await waitForText(page, STATUS, /^system · system/);
  expect(await runCell(page, 'declined.ipynb', 'import sys; print(sys.prefix == sys.base_prefix)')).toContain('True');
  const recorded = await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === 'declined.ipynb');
    return panel.model.getMetadata('pyswitch')?.environment?.root as string | undefined;
  });
  expect(recorded).toBe(ml);
});

it('a missing recorded environment is reported, and the notebook works in the kernel\'s environment', async () => {
  const gone = path.join(fx.dir, 'removed-env');
  writeNotebook(fx.server.root, 'gone.ipynb', 'pyswitch', {
    pyswitch: { environment: { root: gone, executable: path.join(gone, 'bin', 'python'), version: '3.11.7', kind: 'venv' } },
  });
  await openNotebook(page, 'gone.ipynb');
  expect(await waitForText(page, TOAST, /^not_found: this notebook's recorded environment/)).toContain(gone);
  expect(await page.$(DIALOG)).toBeNull();
  await waitForText(page, STATUS, /^system · system/);
  expect(await runCell(page, 'gone.ipynb', 'print(6 * 7)')).toContain('42');
  await screenshot(page, 'missing-recorded-environment');
});

it('a switch from a cell (pyswitch.switch) updates the status bar and the notebook\'s metadata too', async () => {
  await runCell(page, 'gone.ipynb', `import pyswitch; pyswitch.switch(${JSON.stringify(tools)})`);
  await waitForText(page, STATUS, /^tools · venv/);
  const recorded = await page.evaluate(() => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === 'gone.ipynb');
    return panel.model.getMetadata('pyswitch')?.environment?.root as string | undefined;
  });
  expect(recorded).toBe(tools);
});
