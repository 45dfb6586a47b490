/// <reference types="jest" />
// IPython mode loads its shell once the kernel's first answer is out (docs/performance.md, "Start-up"), or
// before the first request that reaches the interpreter, whichever comes first: a cell sent as the very
// first request, before any kernel_info_request, still runs in IPython's shell.
import { execFileSync } from 'child_process';

import { withTimeout } from '../../kernel/client/waiting';
import { nextMessage, useBareKernel } from '../helpers/raw-sockets';

const WAIT_MS = 30_000;
const python = process.env.PYSWITCH_PYTHON ?? 'python3';

function hasIpython(): boolean {
  try {
    execFileSync(python, ['-c', 'import IPython'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const describeWithIpython = hasIpython() ? describe : describe.skip;
if (!hasIpython()) console.warn(`skipped: ${python} cannot import IPython, so the kernel runs in plain mode`);

describeWithIpython('IPython mode, a cell as the first request', () => {
  const bare = useBareKernel();

  test("runs in IPython's shell", async () => {
    const { session } = bare;
    const shell = bare.shell();
    await shell.send(session.frames('execute_request', {
      code: 'x = 1', silent: false,
      // The cyclic collector, paused while IPython loads (pyswitch/_lifecycle.py), is on again.
      user_expressions: { shell: 'type(get_ipython()).__name__', collecting: "__import__('gc').isenabled()" },
    }));
    const reply = await withTimeout(nextMessage(shell, session), WAIT_MS, 'execute_reply');
    expect(reply.header.msg_type).toBe('execute_reply');
    expect(reply.content.status).toBe('ok');
    const shellName = reply.content.user_expressions as Record<string, { status: string; data?: Record<string, string> }>;
    expect(shellName.shell.status).toBe('ok');
    expect(shellName.shell.data?.['text/plain']).toMatch(/Shell'$/);
    expect(shellName.collecting.data?.['text/plain']).toBe('True');
  }, WAIT_MS + 5000);
});
