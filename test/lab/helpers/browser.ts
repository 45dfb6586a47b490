// Debian's Chromium, headless, driven by puppeteer-core (which never downloads a browser), and the
// screenshots the browser suites keep as artifacts.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import puppeteer, { Browser, Page } from 'puppeteer-core';

import { LabServer } from './lab-server';

export const CHROMIUM = '/usr/bin/chromium';

export interface LabBrowser {
  browser: Browser;
  close: () => Promise<void>;
}

export async function launchChromium(): Promise<LabBrowser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true, // puppeteer passes --headless
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--user-data-dir=${userDataDir}`],
    defaultViewport: { width: 1280, height: 800 },
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  // The run's folder, made and printed by global-setup.js.
  const file = path.join(process.env.PYSWITCH_LAB_ARTIFACTS!, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// Opens the application in a workspace of its own (JupyterLab restores a workspace's layout), and waits
// until it has started and restored its layout.
export async function openLab(lab: LabBrowser, server: LabServer, workspace: string): Promise<Page> {
  const page = await lab.browser.newPage();
  await page.goto(`${server.url}/lab/workspaces/${workspace}?token=${server.token}`);
  await page.waitForFunction(() => (window as unknown as { jupyterapp?: unknown }).jupyterapp !== undefined, { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as { jupyterapp: { restored: Promise<void> } }).jupyterapp.restored);
  return page;
}
