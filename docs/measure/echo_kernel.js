// docs/performance.md, "IPython mode's execute": the floor of Node + zeromq.js for one execute. A
// "kernel" with no interpreter that answers execute_request with the five messages pyswitch sends
// (busy, execute_input, execute_result, the reply, idle), signed, after checking the request's HMAC.
// Install it as a kernelspec whose argv is
//   ["node", "--jitless", "--max-semi-space-size=1", "docs/measure/echo_kernel.js", "{connection_file}"]
// and time it with docs/measure/execute_threads.py, beside pyswitch and ipykernel.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const zmq = require('zeromq');

const info = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const key = crypto.createSecretKey(Buffer.from(info.key));
const url = (port) => `${info.transport}://${info.ip}:${port}`;
const sign = (frames) => {
  const hmac = crypto.createHmac('sha256', key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest('hex');
};
const session = crypto.randomUUID();
const DELIMITER = Buffer.from('<IDS|MSG>');

function frames(type, content, parentHeader, identities = []) {
  const header = Buffer.from(JSON.stringify({
    msg_id: crypto.randomUUID(), session, username: 'echo', date: new Date().toISOString(), msg_type: type, version: '5.3',
  }));
  const body = [header, parentHeader, Buffer.from('{}'), Buffer.from(JSON.stringify(content))];
  return [...identities, DELIMITER, Buffer.from(sign(body)), ...body];
}

(async () => {
  const shell = new zmq.Router();
  const iopub = new zmq.Publisher();
  const control = new zmq.Router();
  const heartbeat = new zmq.Reply();
  await Promise.all([shell.bind(url(info.shell_port)), iopub.bind(url(info.iopub_port)),
    control.bind(url(info.control_port)), heartbeat.bind(url(info.hb_port))]);
  (async () => { for await (const _ of control); })();  // eslint-disable-line no-unused-vars
  let count = 1;
  for await (const message of shell) {
    const at = message.findIndex((frame) => frame.equals(DELIMITER));
    const identities = message.slice(0, at);
    const body = message.slice(at + 2, at + 6);
    if (sign(body) !== message[at + 1].toString()) continue;
    const type = JSON.parse(body[0].toString()).msg_type;
    const content = JSON.parse(body[3].toString());
    const parent = body[0];
    await iopub.send(frames('status', { execution_state: 'busy' }, parent));
    if (type === 'execute_request') {
      await iopub.send(frames('execute_input', { code: content.code, execution_count: count }, parent));
      await iopub.send(frames('execute_result', { execution_count: count, data: { 'text/plain': '1' }, metadata: {} }, parent));
      await shell.send(frames('execute_reply', { status: 'ok', execution_count: count++, user_expressions: {}, payload: [] }, parent, identities));
    } else {
      await shell.send(frames(type.replace(/_request$/, '_reply'), { status: 'ok', protocol_version: '5.3' }, parent, identities));
    }
    await iopub.send(frames('status', { execution_state: 'idle' }, parent));
  }
})();
