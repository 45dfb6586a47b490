/// <reference types="jest" />
// inspect_request: what the name at the cursor is, as IPython's `obj?` (detail 0) and `obj??` (detail 1).
import { useKernel } from '../helpers/kernel';
import { KernelClient } from '../../kernel/client/kernel-client';

const kernel = useKernel();

interface Inspection {
  status: string;
  found: boolean;
  data: Record<string, string>;
  metadata: Record<string, unknown>;
}

async function inspect(client: KernelClient, code: string, options: { cursorPos?: number; detailLevel?: number } = {}): Promise<Inspection> {
  const reply = await client.request('shell', 'inspect_request', {
    code, cursor_pos: options.cursorPos ?? Array.from(code).length, detail_level: options.detailLevel ?? 0,
  });
  expect(reply.header.msg_type).toBe('inspect_reply');
  return reply.content as unknown as Inspection;
}

describe('inspect_request', () => {
  beforeAll(async () => {
    const { reply } = await kernel.client.execute([
      'import os',
      'def twice(x):',
      '    """Double it."""',
      '    return 2 * x',
    ].join('\n'));
    expect(reply.content.status).toBe('ok');
  });

  it('detail 0: signature, docstring, file and type of a dotted name', kernel.test(async (client) => {
    const reply = await inspect(client, 'os.path.join');
    expect(reply).toMatchObject({ status: 'ok', found: true, metadata: {} });
    const text = reply.data['text/plain'];
    expect(text).toMatch(/^Signature: os\.path\.join\(a, \*p\)\nDocstring:\nJoin two or more pathname components/);
    expect(text).toMatch(/\nFile: +\S*posixpath\.py\nType: +function$/);
    expect(text).not.toContain('Source:');
  }));

  it('inside the parentheses of a call, inspects the function called', kernel.test(async (client) => {
    for (const code of ['os.path.join(', 'os.path.join("a", ', 'print(os.path.join(x']) {
      const text = (await inspect(client, code)).data['text/plain'];
      expect(text).toMatch(/^Signature: os\.path\.join\(/);
    }
    const onArgument = await inspect(client, 'os.path.join(twice', { cursorPos: 17 });
    expect(onArgument.data['text/plain']).toMatch(/^Signature: twice\(x\)/);
  }));

  it('detail 1 adds the source of a function defined in a cell', kernel.test(async (client) => {
    const text = (await inspect(client, 'twice', { detailLevel: 1 })).data['text/plain'];
    expect(text).toContain('Signature: twice(x)\nDocstring: Double it.\nSource:\ndef twice(x):\n    """Double it."""\n    return 2 * x\n');
    expect((await inspect(client, 'twice')).data['text/plain']).not.toContain('Source:');
  }));

  it('values show their string form and length', kernel.test(async (client) => {
    await client.execute("word = 'hello'");
    const text = (await inspect(client, 'word')).data['text/plain'];
    expect(text).toMatch(/^String form: hello\nLength: +5\nDocstring:/);
    expect(text).toMatch(/\nType: +str$/);
  }));

  it('found: false when no name at the cursor resolves', kernel.test(async (client) => {
    expect(await inspect(client, 'no_such_name_here')).toEqual({ status: 'ok', found: false, data: {}, metadata: {} });
    expect(await inspect(client, 'os.no_such_attribute')).toMatchObject({ found: false });
    expect(await inspect(client, '')).toMatchObject({ found: false });
  }));

  it('counts cursor_pos in code points', kernel.test(async (client) => {
    // "𝔘𝔘 = zip": code point 6 is inside "zip" (UTF-16 unit 6 would be the space before it).
    const reply = await inspect(client, '𝔘𝔘 = zip', { cursorPos: 6 });
    expect(reply.found).toBe(true);
    expect(reply.data['text/plain']).toMatch(/\nType: +type$/);
  }));

  it('rejects a detail_level that is no level', kernel.test(async (client) => {
    const reply = await client.request('shell', 'inspect_request', { code: 'zip', cursor_pos: 3, detail_level: 'full' });
    expect(reply.content).toMatchObject({ status: 'error', ename: 'BadRequest', evalue: expect.stringContaining('detail_level') });
  }));
});
