// Prebuilt extensions: each one's remoteEntry script defines a module federation container under
// window._JUPYTERLAB[name]; initialising it with our share scope makes it use the application's
// singletons (@jupyterlab/*, @lumino/*) instead of copies of its own.
import { pageOption } from './page-config';

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${url}`));
    script.async = true;
    script.src = url;
    document.head.appendChild(script);
  });
}

export async function loadFederatedExtensions() {
  const extensions = pageOption('federated_extensions') || [];
  const base = pageOption('fullLabextensionsUrl');
  await __webpack_init_sharing__('default');
  const results = await Promise.allSettled(extensions.map(async ({ name, load }) => {
    await loadScript(`${base}/${name}/${load}`);
    await window._JUPYTERLAB[name].init(__webpack_share_scopes__.default);
  }));
  results.forEach((result, i) => {
    if (result.status === 'rejected') console.error(`federated extension ${extensions[i].name} failed to load`, result.reason);
  });
}

// The plugins (or their styles) a loaded container exposes under `module` ('./extension', './style').
export async function federatedModule(name, module) {
  const factory = await window._JUPYTERLAB[name].get(module);
  return factory();
}
