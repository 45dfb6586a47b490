// An environment switch as the kernel performs it (DESIGN.md, "Environment switching contract"): resolve and
// preflight without touching anything, ask the interpreter what would not survive, and only then go:
// in-process (finalize and re-initialise) where that is safe, else by re-exec (a new image of this very
// process, the same PID and ports). Everything that can be checked first is checked first, so a refused
// switch leaves the interpreter and the user's variables as they were.
import { EnvError, EnvInfo, SwitchErrorCode, SwitchPlan, preflight, resolveTarget } from '../envs';
import { applyEnvironChange } from '../envs/environ';
import { PythonInfo } from '../interpreter/python-info';
import { Lost } from '../protocol/env-messages';
import { Message } from '../protocol/wire';
import { PythonSession } from './python-session';
import { PendingSwitch } from './resume-state';

export type Strategy = 'in-process' | 're-exec';

export type SwitchOutcome =
  | { ok: true; env: EnvInfo; previous: EnvInfo; strategy: Strategy; elapsed_ms: number; lost: Lost }
  | { ok: false; env: EnvInfo; error: { code: SwitchErrorCode; message: string }; restored: boolean };

// The switch goes on in a new image of the process, which reports its outcome.
export interface Reexec {
  reexec: Omit<PendingSwitch, 'replyTo'>;
}

interface Blockers {
  extensions: string[];
  threads: string[];
}

export class EnvironmentSwitcher {
  private active: EnvInfo | undefined;
  private readonly majorMinor: string;

  constructor(
    private readonly first: PythonInfo, // the interpreter this image started with: its major.minor is for life
    private readonly system: string, // what "" and "system" mean: the interpreter the kernel was installed for
    readonly baselinePath: string, // PATH at the kernel's first start, from which every switch rebuilds PATH
  ) {
    this.majorMinor = first.majorMinor;
  }

  async current(): Promise<EnvInfo> {
    this.active ??= (await resolveTarget(this.first.sysExecutable, { cwd: process.cwd(), system: this.system })).env;
    return this.active;
  }

  // Serves one switch request. `requested`: a strategy the frontend insists on.
  async switch(target: string, python: PythonSession, parent: Message, requested?: Strategy): Promise<SwitchOutcome | Reexec> {
    const startedAt = Date.now();
    const previous = await this.current();
    let plan: SwitchPlan;
    let strategy: Strategy;
    try {
      plan = await preflight(await resolveTarget(target, { cwd: process.cwd(), system: this.system }), {
        majorMinor: this.majorMinor, baselinePath: this.baselinePath, loadedLibpython: this.first.libpython,
      });
      strategy = await this.strategyFor(plan, python, parent, requested);
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      return { ok: false, env: previous, error: { code: error.code, message: error.message }, restored: true };
    }
    // From here on the switch happens: the interpreter's comms (widgets) end with it, so their
    // frontends are told now.
    const { closed } = await python.request<{ closed: number }>('close_comms', {}, parent);
    const lost: Lost = { variables: true, comms: closed };
    if (strategy === 're-exec') return { reexec: { target: plan.env, previous, startedAt, lost } };
    const restoreEnviron = applyEnviron(plan);
    try {
      await python.restart(plan, parent);
    } catch (error) {
      // The previous interpreter is finalized and cannot come back in this process (DESIGN fact 7):
      // a new image of the process brings it back, and reports the failure.
      restoreEnviron();
      const message = `the interpreter of ${plan.env.root} failed to start after the previous one was finalized ` +
        `(${error instanceof Error ? error.message : String(error)})`;
      return { reexec: { target: previous, previous, startedAt, lost, failure: { code: 'init_failed', message } } };
    }
    this.active = plan.env;
    return { ok: true, env: plan.env, previous, strategy, elapsed_ms: Date.now() - startedAt, lost };
  }

  // In-process where it is safe; re-exec where a third-party extension module is loaded (DESIGN fact 6) or
  // the target belongs to another installation (fact 8). Threads of the user's keep finalize waiting, so
  // they refuse an in-process switch; a re-exec ends them with the process image.
  private async strategyFor(plan: SwitchPlan, python: PythonSession, parent: Message, requested?: Strategy): Promise<Strategy> {
    if (requested === 're-exec') return requested;
    const blockers = await python.request<Blockers>('switch_blockers', {}, parent);
    const unsafe = !plan.sameLibpython ? `${plan.env.executable} belongs to another installation of Python ` +
      `${this.majorMinor} (${plan.libpython ?? 'no shared libpython'}) than the one loaded (${this.first.libpython})`
      : blockers.extensions.length > 0 ? `extension modules are loaded that cannot be re-initialised in this process ` +
        `(${blockers.extensions.slice(0, 5).join(', ')}${blockers.extensions.length > 5 ? ', …' : ''})` : null;
    if (unsafe === null) {
      if (blockers.threads.length > 0) {
        throw new EnvError('busy', `threads still running would keep the interpreter from finalizing: ${blockers.threads.join(', ')}`);
      }
      return 'in-process';
    }
    if (requested === 'in-process') throw new EnvError('busy', `an in-process switch is not safe: ${unsafe}`);
    return 're-exec';
  }
}

// Sets the variables of the target's activation; returns how to put the previous values back.
function applyEnviron(plan: SwitchPlan): () => void {
  const names = [...Object.keys(plan.environ.set), ...plan.environ.unset];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  applyEnvironChange(process.env, plan.environ);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
