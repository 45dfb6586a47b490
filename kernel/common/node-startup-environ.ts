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

// The same for a new image of this process (a re-exec): `environ` is changed in place.
export function moveAsideForNodeStartup(environ: NodeJS.ProcessEnv): void {
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
