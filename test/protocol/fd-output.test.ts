/// <reference types="jest" />
// Output from below Python: what child processes and C code write to fds 1 and 2 during a cell arrives as
// `stream` messages, in order with Python's own output; the kernel's own log stays out of the cells.
import { Signer } from '../../kernel/protocol/signer';
import { Message } from '../../kernel/protocol/wire';
import { header, signedFrames } from '../helpers/frames';
import { useKernel } from '../helpers/kernel';
import { ofType, streamText } from '../helpers/messages';

const kernel = useKernel();
const BIG_MS = 60_000;

// Stream messages in arrival order, adjacent ones of the same stream joined (kernels may split freely).
function streams(iopub: Message[]): [string, string][] {
  const result: [string, string][] = [];
  for (const message of ofType(iopub, 'stream')) {
    const name = String(message.content.name);
    const text = String(message.content.text);
    const last = result[result.length - 1];
    if (last?.[0] === name) last[1] += text;
    else result.push([name, text]);
  }
  return result;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

describe('output written to fds 1 and 2', () => {
  it('a shell command run with os.system', kernel.test(async (client) => {
    const { reply, iopub } = await client.execute('import os\n_ = os.system("echo hi")');
    expect(reply.content.status).toBe('ok');
    expect(streams(iopub)).toEqual([['stdout', 'hi\n']]);
  }));

  it('a child process: its stdout as stdout, its stderr as stderr', kernel.test(async (client) => {
    const { iopub } = await client.execute('import subprocess\n_ = subprocess.run(["sh", "-c", "echo out; echo err >&2"])');
    expect(streamText(iopub, 'stdout')).toBe('out\n');
    expect(streamText(iopub, 'stderr')).toBe('err\n');
  }));

  it('a C-level printf', kernel.test(async (client) => {
    const { iopub } = await client.execute('import ctypes\n_ = ctypes.CDLL(None).printf(b"from C\\n")');
    expect(streams(iopub)).toEqual([['stdout', 'from C\n']]);
  }));

  it('sys.__stdout__, which writes to fd 1 itself', kernel.test(async (client) => {
    const { iopub } = await client.execute('import sys\nsys.__stdout__.write("dunder\\n")\nsys.__stdout__.flush()');
    expect(streams(iopub)).toEqual([['stdout', 'dunder\n']]);
  }));
});

describe('order with Python output', () => {
  it('print, os.system, print', kernel.test(async (client) => {
    const { iopub } = await client.execute('import os\nprint("a"); _ = os.system("echo b"); print("c")');
    expect(streams(iopub)).toEqual([['stdout', 'a\nb\nc\n']]);
  }));

  it('across streams: Python stdout, a child stderr, Python stdout', kernel.test(async (client) => {
    const { iopub } = await client.execute('import os\nprint("a"); _ = os.system("echo b >&2"); print("c")');
    expect(streams(iopub)).toEqual([['stdout', 'a\n'], ['stderr', 'b\n'], ['stdout', 'c\n']]);
  }));
});

describe('large and awkward output', () => {
  it('a child writing 1 MB to each of stdout and stderr is never blocked, and all of it arrives', kernel.test(async (client) => {
    const child = "import sys\\nfor _ in range(100):\\n    sys.stdout.write('o' * 10000); sys.stderr.write('e' * 10000)";
    const { reply, iopub } = await client.execute(`import subprocess, sys\n_ = subprocess.run([sys.executable, "-c", "${child}"])`,
      { timeoutMs: BIG_MS });
    expect(reply.content.status).toBe('ok');
    const out = streamText(iopub, 'stdout');
    const err = streamText(iopub, 'stderr');
    expect(out.length).toBe(1_000_000);
    expect(err.length).toBe(1_000_000);
    expect(/^o+$/.test(out) && /^e+$/.test(err)).toBe(true);
  }), BIG_MS + 5000);

  it('decodes UTF-8 split across writes, and invalid bytes as U+FFFD', kernel.test(async (client) => {
    const child = 'import os, time; os.write(1, b\\"\\\\xc3\\"); time.sleep(0.05); os.write(1, b\\"\\\\xa9 \\\\xff end\\\\n\\")';
    const { iopub } = await client.execute(`import subprocess, sys\n_ = subprocess.run([sys.executable, "-c", "${child}"])`);
    expect(streams(iopub)).toEqual([['stdout', 'é \uFFFD end\n']]);
  }));
});

describe("the kernel's own log", () => {
  it('reaches the kernel\'s stderr, not a cell', kernel.test(async (client) => {
    await client.execute('print("a cell before")'); // leaked output would be shown under the last request
    const leaked: string[] = [];
    const stop = client.observe((traffic) => {
      if (traffic.kind === 'received' && traffic.message.header.msg_type === 'stream') leaked.push(String(traffic.message.content.text));
    });
    try {
      const frames = signedFrames(new Signer('hmac-sha256', 'not-the-key'), { header: header('kernel_info_request') });
      await client.sendFrames('shell', frames);
      expect(await waitFor(() => kernel.kernel.output().includes('dropped a message'), 5000)).toBe(true);
      // A request after it: fd output written before it (a leaked log line would be) comes before its reply.
      const { reply } = await client.execute('pass');
      expect(reply.content.status).toBe('ok');
      expect(leaked).toEqual([]);
    } finally {
      stop();
    }
  }));
});
