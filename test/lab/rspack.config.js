// The test application's bundle. Every @jupyterlab/* and @lumino/* package (and what else prebuilt
// extensions expect from JupyterLab: react, yjs) is a shared singleton, so that an extension built by
// @jupyterlab/builder uses the application's copy, as in a JupyterLab installation.
const fs = require('fs');
const path = require('path');
const { rspack } = require('@rspack/core');

const MODULES = path.join(__dirname, 'node_modules');

function sharedPackages() {
  const names = [];
  for (const scope of ['@jupyterlab', '@lumino']) {
    for (const name of fs.readdirSync(path.join(MODULES, scope))) names.push(`${scope}/${name}`);
  }
  names.push('react', 'react-dom', 'yjs');
  const shared = {};
  for (const name of names) {
    if (name === '@jupyterlab/builder') continue;
    const { version } = require(path.join(MODULES, name, 'package.json'));
    shared[name] = { singleton: true, version, requiredVersion: `^${version}` };
  }
  return shared;
}

module.exports = {
  mode: 'production',
  context: __dirname,
  entry: { bundle: './app/bootstrap.js' },
  output: {
    path: path.join(__dirname, 'build', 'static'),
    filename: '[name].js',
    chunkFilename: '[name].[contenthash].js',
    publicPath: 'auto',
  },
  devtool: false,
  optimization: { minimize: false },
  performance: { hints: false },
  resolve: {
    fallback: { path: require.resolve('path-browserify'), process: require.resolve('process/browser') },
  },
  module: {
    rules: [
      { test: /\.css$/, use: [require.resolve('style-loader'), require.resolve('css-loader')] },
      { test: /\.svg$/, issuer: /\.css$/, type: 'asset/inline' },
      { test: /\.svg$/, issuer: { not: /\.css$/ }, type: 'asset/source' },
      { test: /\.(md|txt)$/, type: 'asset/source' },
      { test: /\.(woff2?|ttf|eot|png|jpe?g|gif)$/, type: 'asset/resource' },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
    ],
  },
  plugins: [
    new rspack.ProvidePlugin({ process: require.resolve('process/browser') }),
    new rspack.container.ModuleFederationPluginV1({
      name: 'CORE_FEDERATION',
      library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
      shared: sharedPackages(),
    }),
  ],
};
