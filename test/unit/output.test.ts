/// <reference types="jest" />
// What the console prints for each kind of iopub message.
import { PassThrough } from 'stream';

import { OutputRenderer } from '../../kernel/cli/console/output';
import { Message } from '../../kernel/protocol/wire';
import { header } from '../helpers/frames';

function message(msgType: string, content: Record<string, unknown>): Message {
  return { identities: [], header: header(msgType), parent_header: {}, metadata: {}, content, buffers: [] };
}

function render(promptNumbers: boolean, messages: Message[]): { out: string; err: string } {
  const out = new PassThrough();
  const err = new PassThrough();
  const renderer = new OutputRenderer({ out, err }, promptNumbers);
  messages.forEach(renderer.render);
  renderer.endLine();
  return { out: String(out.read() ?? ''), err: String(err.read() ?? '') };
}

const result = (text: string): Message => message('execute_result', { data: { 'text/plain': text }, metadata: {}, execution_count: 3 });

describe('OutputRenderer', () => {
  it('writes streams to stdout or stderr as they are', () => {
    expect(render(false, [
      message('stream', { name: 'stdout', text: 'a\n' }),
      message('stream', { name: 'stderr', text: 'b\n' }),
    ])).toEqual({ out: 'a\n', err: 'b\n' });
  });

  it('prints a result as its text alone without prompt numbers, as Out[N] with them', () => {
    expect(render(false, [result('42')]).out).toBe('42\n');
    expect(render(true, [result('42')]).out).toBe('Out[3]: 42\n');
    expect(render(true, [result('a\nb')]).out).toBe('Out[3]: \na\nb\n');
  });

  it('prints displays as text/plain, and names what a terminal cannot show', () => {
    expect(render(false, [
      message('display_data', { data: { 'text/plain': 'shown' } }),
      message('display_data', { data: { 'image/png': 'iVBOR' } }),
    ]).out).toBe('shown\n<image/png output not shown in a terminal>\n');
  });

  it('prints an error as its traceback on stderr, or ename: evalue without one', () => {
    expect(render(false, [message('error', { ename: 'E', evalue: 'v', traceback: ['line 1', 'E: v'] })]).err).toBe('line 1\nE: v\n');
    expect(render(false, [message('error', { ename: 'E', evalue: 'v', traceback: [] })]).err).toBe('E: v\n');
  });

  it('ends an unfinished line before a prompt, and only then', () => {
    expect(render(true, [message('stream', { name: 'stdout', text: 'no newline' })]).out).toBe('no newline\n');
    expect(render(true, [message('stream', { name: 'stdout', text: 'done\n' })]).out).toBe('done\n');
  });

  it('shows nothing for status, execute_input and clear_output', () => {
    expect(render(false, [
      message('status', { execution_state: 'busy' }),
      message('execute_input', { code: 'x', execution_count: 1 }),
      message('clear_output', { wait: false }),
    ])).toEqual({ out: '', err: '' });
  });
});
