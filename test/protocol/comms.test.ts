/// <reference types="jest" />
// Comms both ways through pyswitch's own comm API (the kernel's python3 has no `comm` package): targets
// registered in a cell, comm_open/comm_msg/comm_close from either side with binary buffers, comm_info,
// unknown targets and failing callbacks.
import { randomBytes, randomUUID } from 'crypto';

import { KernelClient } from '../../kernel/client/kernel-client';
import { Message } from '../../kernel/protocol/wire';
import { useKernel } from '../helpers/kernel';
import { ofType, parentId, streamText } from '../helpers/messages';

const kernel = useKernel();

// Every byte value, a zero-length frame and a large one: what a text-only path would mangle.
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const EMPTY = Buffer.alloc(0);
const LARGE = randomBytes(1 << 20);

// A comm message from the frontend; resolves with the reply (none expected) and iopub of its handling.
async function sendComm(client: KernelClient, msgType: string, content: object, buffers: Buffer[] = []): Promise<{ msgId: string; iopub: Message[]; replied: boolean }> {
  const request = await client.send('shell', msgType, content, undefined, buffers);
  try {
    const iopub = await request.untilIdle(10_000);
    const replied = await request.reply(200).then(() => true, () => false);
    return { msgId: request.msgId, iopub, replied };
  } finally {
    request.dispose();
  }
}

async function run(client: KernelClient, code: string): Promise<Message[]> {
  const { reply, iopub } = await client.execute(code);
  expect(reply.content).toMatchObject({ status: 'ok' });
  return iopub;
}

async function commInfo(client: KernelClient, content: object = {}): Promise<unknown> {
  const reply = await client.request('shell', 'comm_info_request', content);
  expect(reply.content.status).toBe('ok');
  return reply.content.comms;
}

beforeAll(async () => {
  // An echo target: answers each message with its data and its buffers reversed, keeps what it saw.
  await run(kernel.client, [
    'from pyswitch import comm',
    'seen = []',
    'def echo_target(c, msg):',
    '    seen.append(("open", msg["content"]["data"], msg["metadata"], [bytes(b) for b in msg["buffers"]]))',
    '    def on_msg(m):',
    '        seen.append(("msg", m["content"]["data"], [type(b).__name__ for b in m["buffers"]]))',
    '        c.send({"echo": m["content"]["data"]}, metadata={"m": 1}, buffers=[bytes(b)[::-1] for b in m["buffers"]])',
    '    c.on_msg(on_msg)',
    '    c.on_close(lambda m: print("closed with", m["content"]["data"]))',
    '    c.send({"opened": msg["content"]["data"]}, buffers=msg["buffers"])',
    'comm.get_comm_manager().register_target("echo", echo_target)',
  ].join('\n'));
});

describe('comms opened by the frontend', () => {
  it('comm_open reaches the registered target with data, metadata and buffers; no reply, busy/idle around it', kernel.test(async (client) => {
    const commId = randomUUID();
    const { msgId, iopub, replied } = await sendComm(client, 'comm_open', { comm_id: commId, target_name: 'echo', data: { x: 1 } }, [ALL_BYTES, EMPTY]);
    expect(replied).toBe(false);
    expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'comm_msg', 'status']);
    const [answer] = ofType(iopub, 'comm_msg');
    expect(parentId(answer)).toBe(msgId);
    expect(answer.content).toEqual({ comm_id: commId, data: { opened: { x: 1 } } });
    expect(answer.buffers).toEqual([ALL_BYTES, EMPTY]);
    const iopubSeen = await run(client, 'print(seen[-1][0], seen[-1][1], seen[-1][3] == [bytes(range(256)), b""])');
    expect(streamText(iopubSeen, 'stdout')).toBe("open {'x': 1} True\n");
    expect(await commInfo(client)).toMatchObject({ [commId]: { target_name: 'echo' } });
  }));

  it('comm_msg both ways keeps binary buffers byte for byte (memoryviews in Python, as ipykernel)', kernel.test(async (client) => {
    const commId = randomUUID();
    await sendComm(client, 'comm_open', { comm_id: commId, target_name: 'echo', data: {} });
    const { msgId, iopub } = await sendComm(client, 'comm_msg', { comm_id: commId, data: { n: 2 } }, [ALL_BYTES, LARGE, EMPTY]);
    const [echo] = ofType(iopub, 'comm_msg');
    expect(parentId(echo)).toBe(msgId);
    expect(echo.content).toEqual({ comm_id: commId, data: { echo: { n: 2 } } });
    expect(echo.metadata).toEqual({ m: 1 });
    expect(echo.buffers).toHaveLength(3);
    expect(echo.buffers[0].equals(Buffer.from(ALL_BYTES).reverse())).toBe(true);
    expect(echo.buffers[1].equals(Buffer.from(LARGE).reverse())).toBe(true);
    expect(echo.buffers[2]).toEqual(EMPTY);
    const types = await run(client, 'print(seen[-1])');
    expect(streamText(types, 'stdout')).toBe("('msg', {'n': 2}, ['memoryview', 'memoryview', 'memoryview'])\n");
  }));

  it('comm_close from the frontend runs on_close (output parented to it) and the comm is gone', kernel.test(async (client) => {
    const commId = randomUUID();
    await sendComm(client, 'comm_open', { comm_id: commId, target_name: 'echo', data: {} });
    const { msgId, iopub, replied } = await sendComm(client, 'comm_close', { comm_id: commId, data: { why: 'done' } });
    expect(replied).toBe(false);
    const [stream] = ofType(iopub, 'stream');
    expect(parentId(stream)).toBe(msgId);
    expect(stream.content).toEqual({ name: 'stdout', text: "closed with {'why': 'done'}\n" });
    expect(await commInfo(client)).not.toHaveProperty(commId);
    // Messages to a closed comm are dropped without a word to the frontend.
    const late = await sendComm(client, 'comm_msg', { comm_id: commId, data: {} });
    expect(late.iopub.map((m) => m.header.msg_type)).toEqual(['status', 'status']);
  }));

  it('a comm_open to an unknown target is answered with comm_close at once, and logged by the kernel', kernel.test(async (client) => {
    const commId = randomUUID();
    const { msgId, iopub } = await sendComm(client, 'comm_open', { comm_id: commId, target_name: 'no.such.target', data: {} });
    const [close] = ofType(iopub, 'comm_close');
    expect(parentId(close)).toBe(msgId);
    expect(close.content).toEqual({ comm_id: commId, data: {} });
    expect(ofType(iopub, 'stream')).toEqual([]); // the kernel's log is no cell output
    expect(kernel.kernel.output()).toContain('No such comm target registered: no.such.target');
    expect(await commInfo(client)).not.toHaveProperty(commId);
  }));

  it('a malformed comm message is dropped and logged; the kernel goes on', kernel.test(async (client) => {
    const { iopub } = await sendComm(client, 'comm_msg', { data: {} });
    expect(iopub.map((m) => m.header.msg_type)).toEqual(['status', 'status']);
    expect(kernel.kernel.output()).toContain('dropped a bad comm_msg: "comm_id" is required');
    await run(client, 'pass');
  }));
});

describe('failing callbacks', () => {
  it('an exception in on_msg goes to stderr with its traceback; the comm and the kernel live on', kernel.test(async (client) => {
    await run(client, [
      'def fragile(c, msg):',
      '    def on_msg(m):',
      '        if m["content"]["data"].get("fail"):',
      '            1 / 0',
      '        c.send({"ok": True})',
      '    c.on_msg(on_msg)',
      'comm.get_comm_manager().register_target("fragile", fragile)',
    ].join('\n'));
    const commId = randomUUID();
    await sendComm(client, 'comm_open', { comm_id: commId, target_name: 'fragile', data: {} });
    const failed = await sendComm(client, 'comm_msg', { comm_id: commId, data: { fail: true } });
    const stderr = streamText(failed.iopub, 'stderr');
    expect(stderr).toContain(`Exception in comm_msg for ${commId}`);
    expect(stderr).toMatch(/in on_msg\n[\s\S]*ZeroDivisionError: division by zero/);
    // The kernel's frames (kernel/lang/pyswitch/) are left out; the cell's own file may be
    // /tmp/pyswitch_PID/HASH.py (IPython mode names cells as the debugger does).
    expect(stderr).not.toContain('/pyswitch/');
    const after = await sendComm(client, 'comm_msg', { comm_id: commId, data: {} });
    expect(ofType(after.iopub, 'comm_msg').map((m) => m.content.data)).toEqual([{ ok: true }]);
  }));

  it('a target that raises: the error on stderr, and the comm closed as for an unknown target', kernel.test(async (client) => {
    await run(client, 'def broken(c, msg):\n    raise RuntimeError("cannot open")\ncomm.get_comm_manager().register_target("broken", broken)');
    const commId = randomUUID();
    const { iopub } = await sendComm(client, 'comm_open', { comm_id: commId, target_name: 'broken', data: {} });
    expect(streamText(iopub, 'stderr')).toMatch(/^Exception opening comm with target: broken\n[\s\S]*RuntimeError: cannot open\n$/);
    expect(ofType(iopub, 'comm_close').map((m) => m.content)).toEqual([{ comm_id: commId, data: {} }]);
  }));
});

describe('comms opened by the kernel', () => {
  it('create_comm publishes comm_open (data, metadata, buffers) with the cell as parent; messages both ways; close', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute([
      'got = []',
      'k = comm.create_comm(target_name="frontend.target", data={"a": 1}, metadata={"version": "2.1.0"},',
      '                     buffers=[b"\\x00\\xff", memoryview(b"view")])',
      'k.on_msg(lambda m: (got.append([bytes(b) for b in m["buffers"]]), k.send({"n": len(got)}, buffers=[bytearray(b"ba")])))',
    ].join('\n'));
    expect(reply.content.status).toBe('ok');
    const [open] = ofType(iopub, 'comm_open');
    expect(parentId(open)).toBe(parentId(reply));
    const commId = String(open.content.comm_id);
    expect(commId).toMatch(/^[0-9a-f]{32}$/);
    expect(open.content).toEqual({ comm_id: commId, target_name: 'frontend.target', target_module: null, data: { a: 1 } });
    expect(open.metadata).toEqual({ version: '2.1.0' });
    expect(open.buffers).toEqual([Buffer.from([0, 255]), Buffer.from('view')]);
    expect(await commInfo(client, { target_name: 'frontend.target' })).toEqual({ [commId]: { target_name: 'frontend.target' } });

    const { iopub: answer } = await sendComm(client, 'comm_msg', { comm_id: commId, data: {} }, [ALL_BYTES]);
    const [sent] = ofType(answer, 'comm_msg');
    expect(sent.content).toEqual({ comm_id: commId, data: { n: 1 } });
    expect(sent.buffers).toEqual([Buffer.from('ba')]);
    expect(streamText(await run(client, 'print(got == [[bytes(range(256))]])'), 'stdout')).toBe('True\n');

    const closing = await run(client, 'k.close({"bye": 1})\nk.close()  # a second close sends nothing');
    expect(ofType(closing, 'comm_close').map((m) => m.content)).toEqual([{ comm_id: commId, data: { bye: 1 } }]);
    expect(await commInfo(client, { target_name: 'frontend.target' })).toEqual({});
  }));

  it('data that is no JSON fails at the user call, and nothing is opened', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute('comm.create_comm(target_name="bad", data={"s": {1, 2}})');
    expect(reply.content).toMatchObject({ status: 'error', ename: 'TypeError', evalue: expect.stringContaining('comm_open cannot be sent') });
    expect(ofType(iopub, 'comm_open')).toEqual([]);
    expect(await commInfo(client, { target_name: 'bad' })).toEqual({});
  }));
});

describe('comm_info_request', () => {
  it('lists the open comms, all or those of one target_name', kernel.test(async (client) => {
    await run(client, 'a1 = comm.create_comm(target_name="t.a")\na2 = comm.create_comm(target_name="t.a")\nb1 = comm.create_comm(target_name="t.b")');
    const ids = streamText(await run(client, 'print(a1.comm_id, a2.comm_id, b1.comm_id)'), 'stdout').trim().split(' ');
    expect(await commInfo(client, { target_name: 't.a' })).toEqual({ [ids[0]]: { target_name: 't.a' }, [ids[1]]: { target_name: 't.a' } });
    expect(await commInfo(client, { target_name: 't.b' })).toEqual({ [ids[2]]: { target_name: 't.b' } });
    expect(await commInfo(client, { target_name: 't.none' })).toEqual({});
    const all = await commInfo(client) as Record<string, unknown>;
    for (const id of ids) expect(all).toHaveProperty(id);
    await run(client, 'a1.close(); a2.close(); b1.close()');
  }));
});
