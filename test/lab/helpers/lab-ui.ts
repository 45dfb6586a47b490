// Reading and driving the test JupyterLab's UI: commands, the status bar, notifications (toasts) and dialogs.
import { Page } from 'puppeteer-core';

export async function command<T = unknown>(page: Page, id: string, args: Record<string, unknown> = {}): Promise<T> {
  return page.evaluate((id, args) => (window as any).jupyterapp.commands.execute(id, args), id, args) as Promise<T>;
}

// Waits until the text of the first element matching `selector` satisfies `wanted` (a substring or a
// pattern), and returns it.
export async function waitForText(page: Page, selector: string, wanted: string | RegExp, timeout = 60_000): Promise<string> {
  const pattern = typeof wanted === 'string' ? { source: wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags: '' } : { source: wanted.source, flags: wanted.flags };
  const handle = await page.waitForFunction((selector, source, flags) => {
    const texts = [...document.querySelectorAll(selector)].map((el) => el.textContent ?? '');
    return texts.find((text) => new RegExp(source, flags).test(text)) ?? false;
  }, { timeout }, selector, pattern.source, pattern.flags);
  return (await handle.jsonValue()) as string;
}

// Searches the command palette for `query` and waits until it lists every label of `wanted`. The modal
// palette hides when it loses the focus (JupyterLab may give the focus back to the notebook a moment after
// it opens), and keys typed then go to the notebook: so each try checks that the palette is still shown
// with the whole query in its input, and a try that lost the focus opens the palette again.
export async function searchPalette(page: Page, query: string, wanted: string[], tries = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await command(page, 'apputils:activate-command-palette');
    try {
      await page.waitForFunction(() => document.activeElement?.classList.contains('lm-CommandPalette-input') === true, { timeout: 10_000 });
      await page.keyboard.type(query);
      await page.waitForFunction((query, wanted) => {
        const palette = document.querySelector('.jp-ModalCommandPalette');
        const input = document.querySelector<HTMLInputElement>('.lm-CommandPalette-input');
        if (!palette || palette.classList.contains('lm-mod-hidden') || input?.value !== query) return false;
        const labels = [...palette.querySelectorAll('.lm-CommandPalette-itemLabel')].map((el) => el.textContent ?? '');
        return wanted.every((label) => labels.includes(label));
      }, { timeout: 10_000 }, query, wanted);
      return;
    } catch (error) {
      if (attempt >= tries) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

// The notification toasts on screen (JupyterLab shows Notification.* as toasts).
export const TOAST = '.Toastify__toast';

export async function dismissToasts(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('.Toastify__toast .jp-Notification-Toast-Close')
    .forEach((button) => (button as HTMLElement).click()));
  await page.waitForFunction(() => document.querySelectorAll('.Toastify__toast').length === 0, { timeout: 10_000 });
}

export const DIALOG = '.jp-Dialog';

export async function acceptDialog(page: Page): Promise<void> {
  await page.click(`${DIALOG} .jp-Dialog-button.jp-mod-accept`);
  await page.waitForFunction(() => document.querySelector('.jp-Dialog') === null, { timeout: 10_000 });
}

export async function openMenu(page: Page, label: string): Promise<void> {
  const items = await page.$$('.lm-MenuBar-item');
  for (const item of items) {
    if ((await item.evaluate((el) => el.textContent)) === label) return item.click();
  }
  throw new Error(`no menu ${label}`);
}

export async function activate(page: Page, file: string): Promise<void> {
  await page.evaluate((file) => {
    const app = (window as any).jupyterapp;
    const panel = [...app.shell.widgets('main')].find((w: any) => w.context?.path === file);
    app.shell.activateById(panel.id);
  }, file);
}
