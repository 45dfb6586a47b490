// NODE_EXTRA_CA_CERTS is read by Node's own start-up alone: the CA bundle it names is parsed before any
// JavaScript runs, 30-60 ms of CPU for a system bundle (docs/performance.md, "Node's start without the CA
// bundle"), for TLS that the kernel never does. So the kernel's Node starts with it empty, and the value
// travels in PYSWITCH_NODE_EXTRA_CA_CERTS; the kernel puts it back before its interpreter or any child
// process starts, and cells see the variable as the launcher had it.
const NAME = 'NODE_EXTRA_CA_CERTS';
const CARRIER = 'PYSWITCH_NODE_EXTRA_CA_CERTS';
// What the kernelspec's env asks the launcher to fill in (jupyter_client >= 7 substitutes ${VAR} from its
// own environment, and leaves the text as written when VAR is unset).
const TEMPLATE = `\${${NAME}}`;

// The kernelspec's share of it.
export function kernelspecStartupEnv(): Record<string, string> {
  return { [NAME]: '', [CARRIER]: TEMPLATE };
}

// The variables Node reads at its own start, as this process started with them. A cell may change them
// (for a child process of its own), and one Node cannot start with (NODE_OPTIONS=--require /missing.js)
// ended a re-exec's new image before any of the kernel's code ran, so the switch was never answered.
// Read when this module loads, at the kernel's start, before any cell.
const NODE_STARTUP = /^(NODE_|UV_)/;
const startedWith = new Map(Object.entries(process.env).filter(([name]) => NODE_STARTUP.test(name) && name !== NAME));

// The same for a new image of this process (a re-exec): `environ` is changed in place. Its Node starts with
// the NODE_* and UV_* variables this process started with; a cell's changes to them do not go through.
export function moveAsideForNodeStartup(environ: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(environ)) {
    if (NODE_STARTUP.test(name) && name !== NAME && !startedWith.has(name)) delete environ[name];
  }
  for (const [name, value] of startedWith) environ[name] = value;
  const value = environ[NAME];
  if (value === undefined || value === '') return;
  environ[CARRIER] = value;
  environ[NAME] = '';
}

// Puts the variable back as the launcher had it. The template left as written means it was unset there
// (or the launcher substitutes nothing, which jupyter_client before 7 did: the value is then lost, and a
// cell sees the variable unset).
export function restoreAfterNodeStartup(environ: NodeJS.ProcessEnv = process.env): void {
  const carried = environ[CARRIER];
  if (carried === undefined) return;
  delete environ[CARRIER];
  if (carried === TEMPLATE) delete environ[NAME];
  else environ[NAME] = carried;
}
