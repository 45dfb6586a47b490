// The application: JupyterLab's shell with the plugins of the packages this test app depends on (listed
// in generated/extensions.js by build-app.js), plus the prebuilt extensions the server lists.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

import { builtinExtensions } from '../build/generated/extensions';
import { federatedModule } from './federated';
import { pageOption } from './page-config';

function pluginsOf(module) {
  const exported = module.default ?? module;
  return Array.isArray(exported) ? exported : [exported];
}

async function federatedPlugins() {
  const plugins = [];
  for (const ext of pageOption('federated_extensions') || []) {
    try {
      if (ext.style && !PageConfig.Extension.isDisabled(ext.name)) await federatedModule(ext.name, ext.style);
      if (ext.extension) plugins.push(...pluginsOf(await federatedModule(ext.name, ext.extension)));
      if (ext.mimeExtension) plugins.push(...pluginsOf(await federatedModule(ext.name, ext.mimeExtension)));
    } catch (error) {
      console.error(`federated extension ${ext.name}:`, error);
    }
  }
  return plugins;
}

export async function main() {
  const plugins = [...builtinExtensions.flatMap(pluginsOf), ...(await federatedPlugins())]
    .filter((plugin) => !PageConfig.Extension.isDisabled(plugin.id));
  const app = new JupyterLab({ mimeExtensions: [] });
  app.registerPlugins(plugins);
  // The browser tests drive the application through its command registry and shell.
  window.jupyterapp = app;
  await app.start();
  await app.restored;
}
