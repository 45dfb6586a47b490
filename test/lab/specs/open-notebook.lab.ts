/// <reference types="jest" />
// The test JupyterLab itself: a notebook on an installed pyswitch kernel opens and runs a cell.
import { PYTHONS } from '../../envs/fixtures';
import { testNeeding } from '../../helpers/pythons';
import { openLab, screenshot } from '../helpers/browser';
import { LAB_NEEDS, LabFixture, startLabFixture, stopLabFixture } from '../helpers/fixture';
import { openNotebook, runCell, writeNotebook } from '../helpers/notebook';

const it = testNeeding(...LAB_NEEDS, PYTHONS.py311);
let fx: LabFixture;

beforeAll(async () => {
  fx = await startLabFixture('open');
});

afterAll(async () => {
  await stopLabFixture(fx);
});

it('a notebook opens on the pyswitch kernel and runs a cell', async () => {
  const page = await openLab(fx.lab, fx.server, 'open-notebook');
  writeNotebook(fx.server.root, 'first.ipynb', 'pyswitch');
  expect(await openNotebook(page, 'first.ipynb')).toBe('pyswitch');
  expect(await runCell(page, 'first.ipynb', 'import sys; print(sys.version_info[:2])')).toContain('(3, 11)');
  await screenshot(page, 'open-notebook');
});
