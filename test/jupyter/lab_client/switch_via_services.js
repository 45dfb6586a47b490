#!/usr/bin/env node
// Switches pyswitch's environment through jupyter_server with @jupyterlab/services, the path JupyterLab
// takes: a session, cells, and the `pyswitch.env` comm over the server's kernel websocket. It only drives
// and records; test_env_switch_lab.py starts the server, passes the targets and asserts on the report.
//
// usage: node switch_via_services.js '{"baseUrl", "token", "kernelName", "venv", "module", "refused"}'
// prints a JSON report as the last line on stdout (the library logs there too); exits 1 (stack on stderr) when a step fails or times out.
'use strict';
const { KernelManager, ServerConnection, SessionManager } = require('@jupyterlab/services');

const STEP_MS = 60_000; // a switch probes its target in a child process first; the machine may be busy

// What a cell sees of the interpreter: which process, which environment, which user variables.
const STATE = 'import os as _os, sys as _sys, json as _json; print(_json.dumps({"pid": _os.getpid(), ' +
  '"prefix": _sys.prefix, "names": sorted(n for n in dir() if not n.startswith("_"))}))';

function bounded(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${STEP_MS} ms`)), STEP_MS);
    timer.unref(); // never what keeps Node alive once the work is done
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function run(kernel, code) {
  const future = kernel.requestExecute({ code });
  let stdout = '';
  const seen = []; // what did arrive, for the error when something else does not
  future.onIOPub = (msg) => {
    seen.push(msg.header.msg_type === 'status' ? msg.content.execution_state : msg.header.msg_type);
    if (msg.header.msg_type === 'stream' && msg.content.name === 'stdout') stdout += msg.content.text;
  };
  future.onReply = () => seen.push('execute_reply');
  const reply = await bounded(future.done, `execute reply and idle for ${JSON.stringify(code)}`).catch((error) => {
    throw new Error(`${error.message}; received: ${seen.join(', ') || 'nothing'}`);
  });
  if (reply.content.status !== 'ok') throw new Error(`${code} failed: ${JSON.stringify(reply.content)}`);
  return stdout;
}

async function state(kernel) {
  return JSON.parse(await run(kernel, STATE));
}

class EnvComm {
  constructor(kernel) {
    this.comm = kernel.createComm('pyswitch.env');
    this.received = [];
    this.next = 0;
    // Set before open(): a handler set later could miss what the kernel sends first.
    this.comm.onMsg = (msg) => {
      this.received.push({ parent: msg.parent_header.msg_id, data: msg.content.data });
    };
  }

  async open() {
    await bounded(this.comm.open({}).done, 'idle after comm_open');
  }

  // The reply to one request and the env_changed events its handling caused: the comm messages whose parent
  // is the request. The round trip runs from sending to the kernel's idle after it.
  async request(data) {
    const id = `r${++this.next}`;
    const sent = performance.now();
    const future = this.comm.send({ ...data, id });
    await bounded(future.done, `idle after the ${data.request} request`);
    const roundTripMs = performance.now() - sent;
    const caused = this.received.filter((m) => m.parent === future.msg.header.msg_id).map((m) => m.data);
    return {
      reply: caused.find((d) => d.id === id && 'reply' in d) ?? null,
      events: caused.filter((d) => d.event === 'env_changed'),
      roundTripMs,
    };
  }
}

async function languageVersion(kernel) {
  const reply = await bounded(kernel.requestKernelInfo(), 'kernel_info_reply');
  return reply.content.language_info.version;
}

async function drive(kernel, { venv, module, refused }) {
  const report = { versionAtStart: await languageVersion(kernel) };
  await run(kernel, 'dropped = 1');
  report.atStart = await state(kernel);
  const comm = new EnvComm(kernel);
  await comm.open();
  report.toVenv = await comm.request({ request: 'switch', target: venv });
  report.venvModule = await run(kernel, `import ${module}; print(${module}.WHERE)`);
  await run(kernel, 'kept = 1');
  report.inVenv = await state(kernel);
  report.versionInVenv = await languageVersion(kernel);
  report.refused = await comm.request({ request: 'switch', target: refused });
  report.afterRefusal = await state(kernel);
  report.toSystem = await comm.request({ request: 'switch', target: 'system' });
  report.backInSystem = await state(kernel);
  await reexec(kernel, comm, venv, report);
  return report;
}

// A switch by re-exec, asked for explicitly, with three cells sent right behind it: the kernel process
// replaces its image while they are on their way, and the server's connection to it must carry them all
// (no reconnection step here, nor a new comm).
async function reexec(kernel, comm, venv, report) {
  const switching = comm.request({ request: 'switch', target: venv, strategy: 're-exec' });
  const during = [0, 1, 2].map((i) => run(kernel, `import sys; print(${i}, sys.prefix)`));
  report.reexec = await switching;
  report.duringReexec = await Promise.all(during);
  report.afterReexec = await state(kernel);
  report.versionAfterReexec = await languageVersion(kernel);
  report.currentAfterReexec = await comm.request({ request: 'current' });
}

async function main({ baseUrl, token, kernelName, ...targets }) {
  const serverSettings = ServerConnection.makeSettings({ baseUrl, token });
  const kernelManager = new KernelManager({ serverSettings });
  const sessionManager = new SessionManager({ kernelManager, serverSettings });
  try {
    const session = await bounded(sessionManager.startNew(
      { path: 'switch.ipynb', name: 'switch.ipynb', type: 'notebook', kernel: { name: kernelName } }), 'new session');
    try {
      await bounded(session.kernel.info, 'kernel_info at connection');
      return await drive(session.kernel, targets);
    } finally {
      await bounded(session.shutdown(), 'session shutdown');
    }
  } finally {
    // Their polls of the server would keep Node running.
    sessionManager.dispose();
    kernelManager.dispose();
  }
}

main(JSON.parse(process.argv[2])).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
