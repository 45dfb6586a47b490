/// <reference types="jest" />
// pyswitch-jupyterlab in a real JupyterLab: the status bar item, the switch command with a target and
// through the picker, refusals, re-exec notices, discovery (environments of unknown version too) and the
// notebook's recorded environment.
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'puppeteer-core';

import { DEBIAN311, PY311, PY312, PYTHONS, makeUndatedVenv, makeVenv } from '../../envs/fixtures';
import { testNeeding } from '../../helpers/pythons';
import { openLab, screenshot } from '../helpers/browser';
import { LAB_NEEDS, LabFixture, startLabFixture, stopLabFixture } from '../helpers/fixture';
import { DIALOG, TOAST, acceptDialog, command, dismissToasts, openMenu, searchPalette, waitForText } from '../helpers/lab-ui';
import { openNotebook, readNotebook, runCell, saveNotebook, writeNotebook } from '../helpers/notebook';

const it = testNeeding(...LAB_NEEDS, PYTHONS.py311, PYTHONS.py312, PYTHONS.debian311);
const STATUS = '.pyswitch-env-status';
const OPTION = '.pyswitch-env-option';
const NB = 'picker.ipynb';

let fx: LabFixture;
let page: Page;
let envs: { ml: string; py312: string; debian: string; tools: string };

interface Reply {
  ok: boolean;
  env: { root: string; executable: string; version: string };
  strategy?: string;
  error?: { code: string };
}

beforeAll(async () => {
  const extra = 'extra-root';
  fx = await startLabFixture('picker', { roots: ['.', `../${extra}`], depth: 3 });
  const root = fx.server.root;
  envs = {
    ml: await makeVenv(PY311, path.join(root, 'envs', 'ml')),
    py312: await makeVenv(PY312, path.join(root, 'envs', 'py312')),
    // Another installation of 3.11 (Debian's), with its site-packages (comm): a switch to it is a re-exec.
    debian: await makeVenv(DEBIAN311, path.join(root, 'envs', 'debian'), '--system-site-packages'),
    tools: await makeVenv(PY311, path.join(fx.dir, extra, 'tools')),
  };
  page = await openLab(fx.lab, fx.server, 'env-picker');
  writeNotebook(root, NB, 'pyswitch');
  await openNotebook(page, NB);
});

afterAll(async () => {
  await stopLabFixture(fx);
});

// Clicks the picker's option for `root` as a user would. Found and clicked in one evaluation in the page:
// the picker draws its list again when the discovery it starts on opening answers, which would detach an
// element looked up a moment before (page.$eval is two round trips, a lookup then the call: a redraw
// between them had the click land on a detached option, seen in CI on 2026-12-04). A pick made before
// that redraw stays picked.
async function pickOption(root: string): Promise<void> {
  // One picker only: the previous one's dialog may still be in the page as this one opens, and a click
  // on its option would pick nothing here.
  await page.waitForFunction(() => document.querySelectorAll('.pyswitch-env-path').length === 1, { timeout: 10_000 });
  await page.waitForSelector(`${OPTION}[data-root="${root}"]`);
  await page.evaluate((selector) => (document.querySelector(selector) as HTMLElement).click(), `${OPTION}[data-root="${root}"]`);
  await page.waitForFunction((root) => (document.querySelector('.pyswitch-env-path') as HTMLInputElement | null)?.value === root &&
    document.querySelector(`.pyswitch-env-option.jp-mod-selected[data-root="${root}"]`) !== null, { timeout: 10_000 }, root);
}

it('the status bar shows the kernel\'s environment; the command is in the Kernel menu and the palette', async () => {
  await waitForText(page, STATUS, /^system · system · Python 3\.11\.\d+$/);
  // The palette first: a menu that has just closed gives the focus back to the notebook a moment later.
  await searchPalette(page, 'Python Environment', ['Switch Python Environment…', 'Discover Python Environments']);
  await page.keyboard.press('Escape');
  await openMenu(page, 'Kernel');
  await waitForText(page, '.lm-Menu-itemLabel', 'Switch Python Environment…');
  await screenshot(page, 'kernel-menu');
  await page.keyboard.press('Escape');
});

it('a switch with {target}: busy while it runs, then the new environment, recorded in the notebook', async () => {
  await page.$eval(STATUS, (el) => {
    const seen: string[] = [];
    (window as any).statusSeen = seen;
    new MutationObserver(() => seen.push(`${el.className}|${el.textContent}`)).observe(el, { childList: true, characterData: true, subtree: true, attributes: true });
  });
  const reply = await command<Reply>(page, 'pyswitch:switch-environment', { target: envs.ml });
  expect(reply).toMatchObject({ ok: true, env: { root: envs.ml } });
  const seen: string[] = await page.evaluate(() => (window as any).statusSeen);
  expect(seen.some((s) => s.includes('pyswitch-env-status-busy') && s.includes(`Switching to ${envs.ml}`))).toBe(true);
  await waitForText(page, STATUS, /^ml · venv · Python 3\.11\.\d+$/);
  expect(await waitForText(page, TOAST, 'Switched to ml')).toMatch(/variables were dropped, 0 widgets lost/);
  expect(await runCell(page, NB, 'import sys; print(sys.prefix)')).toContain(envs.ml);
  await saveNotebook(page, NB);
  expect(readNotebook(fx.server.root, NB).metadata.pyswitch).toMatchObject({
    environment: { root: envs.ml, executable: reply.env.executable, version: reply.env.version },
  });
  await screenshot(page, 'switched-to-ml');
  await dismissToasts(page);
});

it('the picker lists the discovered environments, marks the active one, disables incompatible ones', async () => {
  await page.click(STATUS);
  await page.waitForSelector(`${DIALOG} ${OPTION}`);
  const options = await page.$$eval(OPTION, (els) => els.map((el) => ({
    root: (el as HTMLElement).dataset.root, text: el.textContent ?? '', disabled: (el as HTMLButtonElement).disabled,
    active: el.classList.contains('pyswitch-env-active'),
  })));
  const byRoot = (root: string) => options.find((o) => o.root === root);
  expect(byRoot(envs.ml)).toMatchObject({ active: true, disabled: false });
  expect(byRoot(envs.ml)!.text).toMatch(/ml \(active\)venv · Python 3\.11/);
  expect(byRoot(envs.debian)).toMatchObject({ active: false, disabled: false });
  expect(byRoot(envs.tools)).toMatchObject({ disabled: false }); // found under the settings' extra root
  expect(byRoot(envs.py312)).toMatchObject({ disabled: true });
  expect(byRoot(envs.py312)!.text).toContain('Python 3.12: this kernel runs Python 3.11');
  await screenshot(page, 'picker');
  // Picking an option fills the path; the user could also type one.
  await pickOption(envs.debian);
  await acceptDialog(page);
  // A different installation of 3.11: a re-exec, which says what it dropped.
  const notice = await waitForText(page, TOAST, 'Switched to debian');
  expect(notice).toMatch(/by re-exec in \d+ ms: variables were dropped, 0 widgets lost/);
  await waitForText(page, STATUS, /^debian · venv · Python 3\.11\.\d+$/);
  await dismissToasts(page);
});

it('a re-exec switch says how many widgets were lost', async () => {
  // A comm the interpreter opens (as a widget does), kept open by a frontend target for it.
  await page.evaluate((file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    panel.sessionContext.session.kernel.registerCommTarget('pyswitch.test.widget', () => undefined);
  }, NB);
  expect(await runCell(page, NB, 'import comm; w = comm.create_comm(target_name="pyswitch.test.widget"); print("opened")')).toContain('opened');
  const reply = await command<Reply>(page, 'pyswitch:switch-environment', { target: envs.ml });
  expect(reply).toMatchObject({ ok: true, strategy: 're-exec' });
  expect(await waitForText(page, TOAST, 'Switched to ml')).toMatch(/by re-exec in \d+ ms: variables were dropped, 1 widget lost/);
  await dismissToasts(page);
});

it('a refused switch shows the error code first, then the kernel\'s message, and keeps the variables', async () => {
  expect(await runCell(page, NB, 'kept = 42; print("set")')).toContain('set');
  const missing = path.join(fx.server.root, 'no-such-env');
  expect(await command<Reply>(page, 'pyswitch:switch-environment', { target: missing })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  expect(await waitForText(page, TOAST, /^not_found: /)).toContain(missing);
  await command(page, 'pyswitch:switch-environment', { target: envs.py312 });
  expect(await waitForText(page, TOAST, /^version_mismatch: /)).toContain('3.12');
  await screenshot(page, 'refused');
  expect(await runCell(page, NB, 'print(kept)')).toContain('42');
  await waitForText(page, STATUS, /^ml · venv/);
  await dismissToasts(page);
});

it('pyswitch:discover-environments refreshes the list', async () => {
  const late = await makeVenv(PY311, path.join(fx.server.root, 'envs', 'late'));
  const found = await command<{ root: string }[]>(page, 'pyswitch:discover-environments');
  expect(found.map((env) => env.root)).toContain(late);
  await page.click(STATUS);
  await page.waitForSelector(`${OPTION}[data-root="${late}"]`);
  // Typing a path works as well as picking one.
  await page.type('.pyswitch-env-path', late);
  await acceptDialog(page);
  await waitForText(page, STATUS, /^late · venv/);
  await dismissToasts(page);
});

it('Browse… walks the server\'s folders in the picker and fills the path', async () => {
  await page.click(STATUS);
  await page.waitForSelector(`${DIALOG} .pyswitch-env-browse`);
  await page.click(`${DIALOG} .pyswitch-env-browse`);
  const typed = (): Promise<string> => page.$eval('.pyswitch-env-path', (el) => (el as HTMLInputElement).value);
  // Clicks a folder's entry once the listing of the folder shown (`heading`) has it.
  const open = async (heading: string, name: string): Promise<void> => {
    await page.waitForFunction((heading, name) => document.querySelector('.pyswitch-folder-heading')?.textContent === heading &&
      document.querySelector(`.pyswitch-folder[data-name="${name}"]`) !== null, { timeout: 30_000 }, heading, name);
    await page.click(`.pyswitch-folder[data-name="${name}"]`);
  };
  await open('/', 'envs');
  expect(await typed()).toBe(path.dirname(envs.ml));
  await open('/envs', 'ml');
  expect(await typed()).toBe(envs.ml);
  await screenshot(page, 'browse');
  await open('/envs/ml', '..'); // and up again
  expect(await typed()).toBe(path.dirname(envs.ml));
  // A folder that is gone by the time it is clicked: the browser says so, and the picker goes on.
  const gone = path.join(fx.server.root, 'envs', 'gone');
  fs.mkdirSync(gone);
  await page.click(`${DIALOG} .pyswitch-env-browse`); // closed, and opened again: a fresh listing
  await page.click(`${DIALOG} .pyswitch-env-browse`);
  await open('/', 'envs');
  await page.waitForSelector('.pyswitch-folder[data-name="gone"]');
  fs.rmdirSync(gone);
  await open('/envs', 'gone');
  await waitForText(page, '.pyswitch-folder-list', /^Cannot read \/envs\/gone: /);
  await open('/envs/gone', '..');
  await open('/envs', 'ml');
  expect(await typed()).toBe(envs.ml);
  await page.click(`${DIALOG} .jp-Dialog-button.jp-mod-reject`);
  await page.waitForFunction(() => document.querySelector('.jp-Dialog') === null);
  await waitForText(page, STATUS, /^late · venv/); // cancelled: nothing switched
});

it('environments whose files give no version are listed as "version unknown" and can be picked; the switch tells', async () => {
  // Discovery reads files and runs nothing (README "Discovery reads, never runs"), so it cannot date these
  // two; the kernel's preflight asks the interpreter once the user picks one.
  const same = makeUndatedVenv(PY311, path.join(fx.server.root, 'envs', 'undated311'));
  const other = makeUndatedVenv(PY312, path.join(fx.server.root, 'envs', 'undated312'));
  const found = await command<{ root: string }[]>(page, 'pyswitch:discover-environments');
  for (const root of [same, other]) expect(found.find((env) => env.root === root)).toMatchObject({ version: null, compatible: null });
  await page.click(STATUS);
  await page.waitForSelector(`${OPTION}[data-root="${other}"]`);
  const row = (root: string) => page.$eval(`${OPTION}[data-root="${root}"]`, (el) => ({
    text: el.textContent ?? '', disabled: (el as HTMLButtonElement).disabled, title: (el as HTMLElement).title,
    reason: el.querySelector('.pyswitch-env-reason')?.textContent ?? null,
  }));
  // Selectable, with no reason against them: whether they fit is known only once asked, as the tooltip says.
  const unknown = { disabled: false, reason: null, title: 'Its files do not say its Python version: the kernel checks it when you switch' };
  expect(await row(same)).toEqual({ ...unknown, text: `undated311venv · version unknown · ${same}` });
  expect(await row(other)).toEqual({ ...unknown, text: `undated312venv · version unknown · ${other}` });
  expect((await row(envs.ml)).title).toBe(''); // a version discovery read needs no such word
  await screenshot(page, 'picker-version-unknown');

  // The one on Python 3.12: refused with the version found, and the kernel stays where it was.
  await pickOption(other);
  await acceptDialog(page);
  expect(await waitForText(page, TOAST, /^version_mismatch: /)).toContain(`${other}/bin/python is Python 3.12.`);
  await waitForText(page, STATUS, /^late · venv · Python 3\.11\.\d+$/);
  await dismissToasts(page);

  // The one on Python 3.11: it switches, and now the version is the interpreter's own.
  await page.click(STATUS);
  await pickOption(same);
  await acceptDialog(page);
  expect(await waitForText(page, TOAST, 'Switched to undated311')).toMatch(/^Switched to undated311 \(venv, Python 3\.11\.\d+\)/);
  await waitForText(page, STATUS, /^undated311 · venv · Python 3\.11\.\d+$/);
  expect(await runCell(page, NB, 'import sys; print(sys.prefix)')).toContain(same);
  await screenshot(page, 'switched-to-version-unknown');
  await dismissToasts(page);
});
