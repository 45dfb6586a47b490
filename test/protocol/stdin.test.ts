/// <reference types="jest" />
// input() and getpass() through the stdin channel, and their failure when the frontend cannot answer.
import { InputRequest } from '../../kernel/client/kernel-client';
import { useKernel } from '../helpers/kernel';
import { parentId, streamText } from '../helpers/messages';

const kernel = useKernel();

afterEach(() => kernel.client.onInputRequest(undefined));

describe('input requests', () => {
  it('allow_stdin true: input() sends input_request (parent: the execute) and returns our input_reply', kernel.test(async (client) => {
    const asked: { request: InputRequest; parent: string | undefined }[] = [];
    client.onInputRequest((request, message) => {
      asked.push({ request, parent: parentId(message) });
      return Promise.resolve('world');
    });
    const { reply, iopub } = await client.execute("name = input('who? ')\nprint('hello', name)", { allowStdin: true });
    expect(reply.content.status).toBe('ok');
    expect(asked).toEqual([{ request: { prompt: 'who? ', password: false }, parent: parentId(reply) }]);
    expect(streamText(iopub, 'stdout')).toBe('hello world\n');
  }));

  it('getpass() asks with password: true', kernel.test(async (client) => {
    const asked: InputRequest[] = [];
    client.onInputRequest((request) => {
      asked.push(request);
      return Promise.resolve('hunter2');
    });
    const { reply, iopub } = await client.execute("import getpass\nprint(len(getpass.getpass('secret? ')))", { allowStdin: true });
    expect(reply.content.status).toBe('ok');
    expect(asked).toEqual([{ prompt: 'secret? ', password: true }]);
    expect(streamText(iopub, 'stdout')).toBe('7\n');
  }));

  it('allow_stdin false: input() fails at once with StdinNotImplementedError, nothing is asked', kernel.test(async (client) => {
    let asked = false;
    client.onInputRequest(() => {
      asked = true;
      return Promise.resolve('unexpected');
    });
    const { reply } = await client.execute("input('who? ')", { allowStdin: false, timeoutMs: 5000 });
    expect(reply.content).toMatchObject({ status: 'error', ename: 'StdinNotImplementedError' });
    expect(String(reply.content.evalue)).toMatch(/input|stdin/i);
    expect(asked).toBe(false);
  }));
});
