/// <reference types="jest" />
// NODE_EXTRA_CA_CERTS moved aside for Node's start-up and put back (kernel/common/node-startup-environ.ts);
// test/jupyter/test_startup_environ.py and test/envs/reexec.slow.test.ts run it through real launches.
import { kernelspecStartupEnv, moveAsideForNodeStartup, restoreAfterNodeStartup } from '../../kernel/common/node-startup-environ';

// What jupyter_client does with a kernelspec's env: string.Template.safe_substitute from its own environment.
function launchedFromKernelspec(launcher: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...launcher };
  for (const [name, value] of Object.entries(kernelspecStartupEnv())) {
    env[name] = value.replace(/\$\{(\w+)\}/g, (whole, variable: string) => launcher[variable] ?? whole);
  }
  return env;
}

describe('the kernelspec and the kernel\'s start', () => {
  it.each([['/etc/ssl/bundle.pem'], ['']])('give cells the launcher\'s value %j, with Node started on an empty one', (value) => {
    const env = launchedFromKernelspec({ PATH: '/bin', NODE_EXTRA_CA_CERTS: value });
    expect(env.NODE_EXTRA_CA_CERTS).toBe('');
    restoreAfterNodeStartup(env);
    expect(env).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: value });
  });

  it('leave an unset variable unset', () => {
    const env = launchedFromKernelspec({ PATH: '/bin' });
    restoreAfterNodeStartup(env);
    expect(env).toEqual({ PATH: '/bin' });
  });

  it('change nothing for a kernel launched without the kernelspec\'s env', () => {
    const env = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/bundle.pem' };
    restoreAfterNodeStartup(env);
    expect(env).toEqual({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/bundle.pem' });
  });
});

// The NODE_* and UV_* variables this process (jest's) started with, which a new image starts with too.
const startedWith = Object.fromEntries(Object.entries(process.env)
  .filter(([name]) => /^(NODE_|UV_)/.test(name) && name !== 'NODE_EXTRA_CA_CERTS'));

describe('a re-exec\'s new image', () => {
  it('starts with the variable empty and gets it back', () => {
    const env: NodeJS.ProcessEnv = { PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/bundle.pem' };
    moveAsideForNodeStartup(env);
    expect(env.NODE_EXTRA_CA_CERTS).toBe('');
    restoreAfterNodeStartup(env);
    expect(env).toEqual({ ...startedWith, PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/bundle.pem' });
  });

  it('is left alone when there is nothing to move', () => {
    for (const start of [{ PATH: '/bin' }, { PATH: '/bin', NODE_EXTRA_CA_CERTS: '' }]) {
      const env: NodeJS.ProcessEnv = { ...startedWith, ...start };
      moveAsideForNodeStartup(env);
      expect(env).toEqual({ ...startedWith, ...start });
    }
  });

  it('starts Node with the NODE_* and UV_* variables this process started with, whatever a cell set', () => {
    const env: NodeJS.ProcessEnv = { ...startedWith, PATH: '/bin', NODE_OPTIONS: '--require /missing.js', UV_THREADPOOL_SIZE: '1' };
    for (const name of Object.keys(startedWith)) env[name] = 'changed by a cell';
    moveAsideForNodeStartup(env);
    expect(env).toEqual({ ...startedWith, PATH: '/bin', ...pick(startedWith, 'NODE_OPTIONS', 'UV_THREADPOOL_SIZE') });
  });
});

function pick(from: Record<string, string | undefined>, ...names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.filter((name) => name in from).map((name) => [name, from[name]]));
}
