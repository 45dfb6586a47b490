// The layer order of kernel/ (docs/architecture.md), checked by `npm run check:deps` in CI: each folder
// may import only the folders listed for it, all of them below it, so the picture cannot drift.
'use strict';

const LAYERS = {
  common: [],
  protocol: ['common'],
  transport: ['common', 'protocol'],
  interpreter: ['common', 'protocol'],
  envs: ['common', 'protocol', 'interpreter'],
  server: ['common', 'protocol', 'transport', 'interpreter', 'envs'],
  client: ['common', 'protocol', 'transport'],
  cli: ['common', 'protocol', 'transport', 'interpreter', 'envs', 'server', 'client'],
};

const layerRules = Object.entries(LAYERS).map(([layer, below]) => ({
  name: `layer-${layer}`,
  comment: `kernel/${layer} may import only ${below.length ? below.map((l) => `kernel/${l}`).join(', ') : 'nothing of ours'}`,
  severity: 'error',
  from: { path: `^kernel/${layer}/` },
  to: { path: '^kernel/', pathNot: [`^kernel/(${[layer, ...below].join('|')})/`, '^kernel/lang/'] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-folder-outside-the-layers',
      comment: `every TypeScript folder of kernel/ is one of the layers: ${Object.keys(LAYERS).join(', ')}`,
      severity: 'error',
      from: { path: '^kernel/', pathNot: `^kernel/(${Object.keys(LAYERS).join('|')})/` },
      to: {},
    },
    {
      name: 'no-circular',
      comment: 'modules that import each other, however indirectly, are one module in two files',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-never-imports-tests',
      severity: 'error',
      from: { path: '^kernel/' },
      to: { path: '^test/' },
    },
    {
      name: 'tests-import-no-dist',
      comment: 'tests import the TypeScript sources, never the compiled copies in dist/',
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^dist/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|build|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
