/// <reference types="jest" />
// Messages a correct client never sends. Each must be dropped without a reply (a message that fails
// authentication without any trace at all), and after each the kernel must still answer kernel_info.
import { KernelClient } from '../../kernel/client/kernel-client';
import { Signer } from '../../kernel/protocol/signer';
import { header, signedFrames } from '../helpers/frames';
import { useKernel } from '../helpers/kernel';
import { collectByParent } from '../helpers/messages';

const kernel = useKernel();

type Channel = 'shell' | 'control' | 'stdin';

interface BadCase {
  frames: Buffer[];
  msgId?: string; // when the frames still name one: nothing may come back with it as parent
  unauthenticated: boolean; // not even busy/idle may be published for it
  unknownType?: boolean; // dropped before any handling: no busy/idle either
}

function keySigner(): Signer {
  return new Signer('hmac-sha256', kernel.kernel.running.process.connection.key);
}

function validlySigned(parts: Parameters<typeof signedFrames>[1]): Buffer[] {
  return signedFrames(keySigner(), parts);
}

const CASES: [string, Channel, () => BadCase][] = [
  ['a missing signature', 'shell', () => {
    const h = header('kernel_info_request');
    const frames = validlySigned({ header: h });
    frames[1] = Buffer.alloc(0);
    return { frames, msgId: h.msg_id, unauthenticated: true };
  }],
  ['a wrong signature', 'shell', () => {
    const h = header('kernel_info_request');
    return { frames: signedFrames(new Signer('hmac-sha256', 'not-the-key'), { header: h }), msgId: h.msg_id, unauthenticated: true };
  }],
  ['a wrong signature on control', 'control', () => {
    const h = header('kernel_info_request');
    return { frames: signedFrames(new Signer('hmac-sha256', 'not-the-key'), { header: h }), msgId: h.msg_id, unauthenticated: true };
  }],
  ['broken JSON in the header', 'shell', () => ({ frames: validlySigned({ header: '{"msg_id": "x", "msg_type": ' }), unauthenticated: false })],
  ['broken JSON in the content', 'shell', () => {
    const h = header('execute_request');
    return { frames: validlySigned({ header: h, content: '{"code": "print(1)", ' }), msgId: h.msg_id, unauthenticated: false };
  }],
  ['a header without msg_type', 'shell', () => {
    const { msg_type: _dropped, ...h } = header('kernel_info_request');
    return { frames: validlySigned({ header: h }), msgId: h.msg_id, unauthenticated: false };
  }],
  ['an unknown msg_type', 'shell', () => {
    const h = header('no_such_request');
    return { frames: validlySigned({ header: h }), msgId: h.msg_id, unauthenticated: false, unknownType: true };
  }],
  ['a msg_type named like an Object property ("constructor")', 'shell', () => {
    const h = header('constructor');
    return { frames: validlySigned({ header: h }), msgId: h.msg_id, unauthenticated: false, unknownType: true };
  }],
  ['too few frames', 'shell', () => {
    const h = header('kernel_info_request');
    return { frames: validlySigned({ header: h }).slice(0, 5), msgId: h.msg_id, unauthenticated: false };
  }],
  ['no delimiter', 'shell', () => {
    const h = header('kernel_info_request');
    return { frames: validlySigned({ header: h }).slice(1), msgId: h.msg_id, unauthenticated: false };
  }],
  ['an input_reply nobody asked for, on stdin', 'stdin', () => {
    const h = header('input_reply');
    return { frames: validlySigned({ header: h, content: { value: 'stray' } }), msgId: h.msg_id, unauthenticated: false };
  }],
];

// A kernel_info_request, answered on shell, with its idle status seen: everything the kernel did about
// earlier messages on shell (replies, iopub) has reached us by then.
async function kernelStillAnswers(client: KernelClient): Promise<void> {
  const request = await client.send('shell', 'kernel_info_request', {});
  const reply = await request.reply(5000);
  await request.untilIdle(5000);
  request.dispose();
  expect(reply.content.status).toBe('ok');
}

describe('malformed and unauthenticated messages', () => {
  it.each(CASES)('%s (on %s): dropped, and the kernel still answers', (_, channel, make) => kernel.test(async (client) => {
    const bad = make();
    const collected = bad.msgId === undefined ? undefined : collectByParent(client, bad.msgId);
    try {
      await client.sendFrames(channel, bad.frames);
      await kernelStillAnswers(client);
      const seen = collected?.seen ?? [];
      expect(seen.filter((item) => item.channel !== 'iopub').map((item) => item.message.header.msg_type)).toEqual([]);
      if (bad.unauthenticated || bad.unknownType) expect(seen.map((item) => item.message.header.msg_type)).toEqual([]);
    } finally {
      collected?.stop();
    }
  })());

  it('a replayed message (a signature seen before) is not answered twice', kernel.test(async (client) => {
    const h = header('kernel_info_request');
    const frames = validlySigned({ header: h });
    const collected = collectByParent(client, h.msg_id);
    try {
      const first = client.track(h);
      await client.sendFrames('shell', frames);
      expect((await first.reply(5000)).content.status).toBe('ok');
      first.dispose();
      await client.sendFrames('shell', frames);
      await kernelStillAnswers(client);
      expect(collected.seen.filter((item) => item.channel === 'shell')).toHaveLength(1);
    } finally {
      collected.stop();
    }
  }));
});
