// An environment switch as the kernel performs it (DESIGN.md, "Environment switching contract"): resolve and
// preflight without touching anything, ask the interpreter what would not survive, and only then finalize
// and re-initialise in-process. Everything that can be checked first is checked first, so a refused
// switch leaves the interpreter and the user's variables as they were.
import { EnvError, EnvInfo, SwitchErrorCode, SwitchPlan, preflight, resolveTarget } from '../envs';
import { PythonInfo } from '../interpreter/python-info';
import { Message } from '../protocol/wire';
import { PythonSession } from './python-session';

export type SwitchOutcome =
  | { ok: true; env: EnvInfo; previous: EnvInfo; strategy: 'in-process'; elapsed_ms: number }
  | { ok: false; env: EnvInfo; error: { code: SwitchErrorCode | 'needs_reexec'; message: string }; restored: boolean };

interface Blockers {
  extensions: string[];
  threads: string[];
}

// The interpreter is gone and could not be brought back (DESIGN fact 7): the kernel must stop serving.
export class InterpreterLost extends Error {}

export class EnvironmentSwitcher {
  private active: EnvInfo | undefined;
  private readonly majorMinor: string;

  constructor(
    private readonly first: PythonInfo, // the interpreter the kernel started with: its major.minor is for life
    private readonly system: string, // what "" and "system" mean: the interpreter the kernel was started for
    private readonly baselinePath: string, // PATH at start, from which every switch rebuilds PATH
  ) {
    this.majorMinor = first.majorMinor;
  }

  async current(): Promise<EnvInfo> {
    this.active ??= (await resolveTarget(this.first.sysExecutable, { cwd: process.cwd(), system: this.system })).env;
    return this.active;
  }

  // Serves one switch request. Throws InterpreterLost when the re-init failed after the finalize.
  async switch(target: string, python: PythonSession, parent: Message): Promise<SwitchOutcome> {
    const started = performance.now();
    const previous = await this.current();
    let plan: SwitchPlan;
    try {
      plan = await preflight(await resolveTarget(target, { cwd: process.cwd(), system: this.system }), {
        majorMinor: this.majorMinor, baselinePath: this.baselinePath, loadedLibpython: this.first.libpython,
      });
      await this.checkInProcessSafety(plan, python, parent);
    } catch (error) {
      if (!(error instanceof EnvError || error instanceof NeedsReexec)) throw error;
      return { ok: false, env: previous, error: { code: error.code, message: error.message }, restored: true };
    }
    // From here on the switch happens: the interpreter's comms (widgets) end with it, so their
    // frontends are told now.
    await python.request('close_comms', {}, parent);
    const restoreEnviron = applyEnviron(plan);
    try {
      await python.restart(plan, parent);
    } catch (error) {
      restoreEnviron();
      throw new InterpreterLost(`switching to ${plan.env.root} failed after the previous interpreter was finalized, ` +
        `and an in-process rollback is not possible (${error instanceof Error ? error.message : String(error)})`);
    }
    this.active = plan.env;
    return { ok: true, env: plan.env, previous, strategy: 'in-process', elapsed_ms: round(performance.now() - started) };
  }

  // DESIGN facts 6 and 8, and finalize's wait for threads: what an in-process switch cannot survive.
  private async checkInProcessSafety(plan: SwitchPlan, python: PythonSession, parent: Message): Promise<void> {
    if (!plan.sameLibpython) {
      throw new NeedsReexec(`${plan.env.executable} belongs to another installation of Python ${this.majorMinor} ` +
        `(${plan.libpython ?? 'no shared libpython'}) than the one loaded in this kernel (${this.first.libpython}); ` +
        'switching to it needs a kernel restart');
    }
    const blockers = await python.request<Blockers>('switch_blockers', {}, parent);
    if (blockers.threads.length > 0) {
      throw new EnvError('busy', `threads still running would keep the interpreter from finalizing: ${blockers.threads.join(', ')}`);
    }
    if (blockers.extensions.length > 0) {
      const shown = blockers.extensions.slice(0, 5).join(', ') + (blockers.extensions.length > 5 ? ', …' : '');
      throw new NeedsReexec(`extension modules are loaded that cannot be re-initialised in this process (${shown}); ` +
        'switching needs a kernel restart');
    }
  }
}

// Refused until the re-exec strategy exists (the next issue): in-process would not be safe.
class NeedsReexec extends Error {
  readonly code = 'needs_reexec' as const;
}

// Sets the variables of the target's activation; returns how to put the previous values back.
function applyEnviron(plan: SwitchPlan): () => void {
  const names = [...Object.keys(plan.environ.set), ...plan.environ.unset];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(plan.environ.set)) process.env[name] = value;
  for (const name of plan.environ.unset) delete process.env[name];
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
