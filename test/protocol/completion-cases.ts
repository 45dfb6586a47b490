/// <reference types="jest" />
// complete_request cases every completer must pass (with or without jedi in the interpreter):
// registered by complete.test.ts and complete-without-jedi.test.ts on their kernels.
import { KernelClient } from '../../kernel/client/kernel-client';
import { KernelFixture } from '../helpers/kernel';

export interface Completion {
  status: string;
  matches: string[];
  cursor_start: number;
  cursor_end: number;
  metadata: { _jupyter_types_experimental: { start: number; end: number; text: string; type: string; signature: string }[] };
}

// Offsets in the protocol are code points: [...s].length, not s.length (UTF-16 units).
export function codePoints(text: string): number {
  return Array.from(text).length;
}

export async function complete(client: KernelClient, code: string, cursorPos = codePoints(code)): Promise<Completion> {
  const reply = await client.request('shell', 'complete_request', { code, cursor_pos: cursorPos });
  expect(reply.header.msg_type).toBe('complete_reply');
  return reply.content as unknown as Completion;
}

async function run(client: KernelClient, code: string): Promise<void> {
  const { reply } = await client.execute(code);
  expect(reply.content.status).toBe('ok');
}

export function completionCases(kernel: KernelFixture): void {
  beforeAll(async () => {
    await run(kernel.client, [
      'import os',
      'completion_target = 1',
      'completion_other = 2',
      "inventory = {'apple': 1, 'apricot': 2, 'banana': 3, 7: 'seven'}",
    ].join('\n'));
  });

  it('names of the user namespace and builtins', kernel.test(async (client) => {
    expect((await complete(client, 'completion_t')).matches).toEqual(['completion_target']);
    const zip = await complete(client, 'zi');
    expect(zip).toMatchObject({ status: 'ok', matches: ['zip'], cursor_start: 0, cursor_end: 2 });
  }));

  it('attributes of objects reached by name (os.pa), with types in the metadata', kernel.test(async (client) => {
    const reply = await complete(client, 'os.pa');
    expect(reply).toMatchObject({ status: 'ok', cursor_start: 3, cursor_end: 5 });
    expect(reply.matches).toEqual(expect.arrayContaining(['pardir', 'path', 'pathconf', 'pathsep']));
    expect(reply.matches.every((match) => match.startsWith('pa'))).toBe(true);
    const types = reply.metadata._jupyter_types_experimental;
    expect(types.map((entry) => entry.text)).toEqual(reply.matches);
    expect(types.find((entry) => entry.text === 'path')).toEqual({ start: 3, end: 5, text: 'path', type: 'module', signature: '' });
    expect(types.find((entry) => entry.text === 'pathconf')?.type).toBe('function');
  }));

  it('module names in import statements', kernel.test(async (client) => {
    expect((await complete(client, 'import itertoo')).matches).toEqual(['itertools']);
    expect(await complete(client, 'import os.pa')).toMatchObject({ matches: ['path'], cursor_start: 10 });
    expect((await complete(client, 'import xml.etree.Element')).matches).toEqual(['ElementInclude', 'ElementPath', 'ElementTree']);
    expect((await complete(client, 'from os import pa')).matches).toEqual(expect.arrayContaining(['path', 'pathsep']));
  }));

  it('str keys of a dict after d[" or d[', kernel.test(async (client) => {
    expect(await complete(client, 'inventory["ap')).toMatchObject({ matches: ['apple', 'apricot'], cursor_start: 11, cursor_end: 13 });
    expect(await complete(client, "inventory['")).toMatchObject({ matches: ['apple', 'apricot', 'banana'], cursor_start: 11 });
    expect(await complete(client, 'inventory[')).toMatchObject({ matches: ["'apple'", "'apricot'", "'banana'"], cursor_start: 10 });
  }));

  it('counts cursor_pos, cursor_start and cursor_end in code points (astral characters before the cursor)', kernel.test(async (client) => {
    const code = '𝔘 = 1; os.pa';
    expect(code.length).toBe(13); // UTF-16 units
    expect(await complete(client, code)).toMatchObject({ cursor_start: 10, cursor_end: 12 });
    const middle = '𝔘𝔘 = os.pa + 1';
    const atPa = await complete(client, middle, 10); // after "os.pa": 𝔘 𝔘 ␠ = ␠ o s . p a
    expect(atPa).toMatchObject({ cursor_start: 8, cursor_end: 10 });
    expect(atPa.matches).toContain('path');
  }));

  it('completes at the cursor, not at the end of the code', kernel.test(async (client) => {
    const reply = await complete(client, 'completion_o\nprint(1)', 12);
    expect(reply).toMatchObject({ matches: ['completion_other'], cursor_start: 0, cursor_end: 12 });
  }));

  it('offers nothing inside a comment', kernel.test(async (client) => {
    expect(await complete(client, '# os.pa')).toMatchObject({ status: 'ok', matches: [], cursor_start: 7, cursor_end: 7 });
  }));

  it('rejects a cursor_pos that is no offset', kernel.test(async (client) => {
    for (const cursorPos of [-1, 1.5, 'end']) {
      const reply = await client.request('shell', 'complete_request', { code: 'zi', cursor_pos: cursorPos });
      expect(reply.content).toMatchObject({ status: 'error', ename: 'BadRequest', evalue: expect.stringContaining('cursor_pos') });
    }
  }));
}
