// The interpreter a restarted kernel starts in: the environment its previous process was in (see
// restart-state.ts), checked as a switch to it would be, and chosen before any interpreter is loaded. One
// that is gone or broken falls back to the kernelspec's Python, and the kernel's first output says why.
import { EnvError, EnvInfo, preflight, resolveTarget } from '../envs';
import { applyEnvironChange } from '../envs/environ';
import { PythonInfo, pythonInfo } from '../interpreter/python-info';
import { log } from '../common/log';
import { workingDirectory } from '../common/working-directory';

export interface Restarted {
  baselinePath: string; // PATH as the frontend started the kernel with, which every switch rebuilds PATH from
  notice: string | null; // the first stream of the kernel: why it is not back where it was
}

// `kernelspec`: the interpreter the kernelspec starts; `system`: what "system" means for the resolver.
export async function restartIn(previous: EnvInfo, kernelspec: PythonInfo, system: string): Promise<Restarted & { info: PythonInfo }> {
  const baselinePath = process.env.PATH ?? '';
  // Back where the kernelspec starts anyway: a start like any other, without the check's child process.
  if (previous.executable === kernelspec.sysExecutable) return { info: kernelspec, baselinePath, notice: null };
  try {
    const plan = await preflight(await resolveTarget(previous.executable, { cwd: workingDirectory() ?? '/', system }), {
      majorMinor: kernelspec.majorMinor, baselinePath, loadedLibpython: null,
    });
    const info = await pythonInfo(plan.executable);
    applyEnvironChange(process.env, plan.environ); // before the interpreter starts: its os.environ is this
    log(`restarted in ${plan.env.kind} ${plan.env.root}, the environment the kernel was in`);
    return { info, baselinePath, notice: null };
  } catch (error) {
    const why = error instanceof EnvError ? `${error.code}: ${error.message}` : String(error);
    const notice = `pyswitch: the environment this kernel was in before its restart, ${previous.root}, cannot be used ` +
      `(${why}); it restarted in the kernelspec's Python, ${kernelspec.sysExecutable} (Python ${kernelspec.version})\n`;
    log(notice.trimEnd());
    return { info: kernelspec, baselinePath, notice };
  }
}
