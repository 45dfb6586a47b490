// The page configuration the server renders into index.html (read without @jupyterlab/coreutils, which
// is a shared module and must not be loaded before the share scope is complete).
let data = null;

export function pageOption(name) {
  if (data === null) {
    const el = document.getElementById('jupyter-config-data');
    data = el ? JSON.parse(el.textContent || '{}') : {};
  }
  return data[name];
}
