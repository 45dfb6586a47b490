/// <reference types="jest" />
// shutdown_request without restart: the kernel answers, then its process exits with status 0.
import { useKernel } from '../helpers/kernel';

const kernel = useKernel();

it('shutdown_request restart=false: reply, then the process exits 0', kernel.test(async (client) => {
  const reply = await client.request('control', 'shutdown_request', { restart: false }, 5000);
  expect(reply.header.msg_type).toBe('shutdown_reply');
  expect(reply.content).toMatchObject({ status: 'ok', restart: false });
  expect(await kernel.kernel.running.process.waitExit(5000)).toEqual({ code: 0, signal: null });
}));
