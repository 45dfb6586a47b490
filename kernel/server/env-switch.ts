// An environment switch as the kernel performs it (docs/architecture.md, "Switching"): resolve and
// preflight without touching anything, ask the interpreter what would not survive, and only then go:
// in-process (finalize and re-initialise) where that is safe, else by re-exec (a new image of this very
// process, the same PID and ports). Everything that can be checked first is checked first, so a refused
// switch leaves the interpreter and the user's variables as they were.
import { EnvError, EnvInfo, SwitchErrorCode, SwitchPlan, preflight, resolveTarget } from '../envs';
import { applyEnvironChange } from '../envs/environ';
import { isRelativePath } from '../envs/user-path';
import { PythonInfo } from '../interpreter/python-info';
import { TimeoutError, withTimeout } from '../common/deadline';
import { Lost } from '../protocol/env-messages';
import { Content, FieldError, ParseResult, parse, read } from '../protocol/fields';
import { Message } from '../protocol/wire';
import { PythonSession } from './python-session';
import { PendingSwitch } from './resume-state';
import { FINALIZE_TIMEOUT_MS, SWITCH_TIMEOUT_MS } from './switch-limits';
import { errorMessage } from '../common/error-message';
import { workingDirectory } from '../common/working-directory';

export type Strategy = 'in-process' | 're-exec';

export type SwitchOutcome =
  | { ok: true; env: EnvInfo; previous: EnvInfo; strategy: Strategy; elapsed_ms: number; lost: Lost }
  | { ok: false; env: EnvInfo; error: { code: SwitchErrorCode; message: string }; restored: boolean };

// The switch goes on in a new image of the process, which reports its outcome. `stuck`: the interpreter
// did not finalize in time, so the image is replaced without waiting for it again.
export interface Reexec {
  reexec: Omit<PendingSwitch, 'replyTo'>;
  stuck?: true;
}

export interface Blockers {
  extensions: string[];
  threads: string[];
  daemon_threads: string[];
}

// What an interpreter says stands in the way of an in-process switch (`data.blockers`): the switch_blockers
// request's answer, or the field a cell's switch() sends along.
export function parseBlockers(data: Content): ParseResult<Blockers> {
  return parse(() => {
    const blockers = read(data, 'blockers', 'object');
    const list = (field: string): string[] => {
      const value: unknown[] = read(blockers, field, 'array');
      if (!value.every((name) => typeof name === 'string')) throw new FieldError(`"blockers.${field}" must be a list of names`);
      return value;
    };
    return { extensions: list('extensions'), threads: list('threads'), daemon_threads: list('daemon_threads') };
  });
}

const names = (list: string[]): string => `${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}`;

export class EnvironmentSwitcher {
  private active: EnvInfo | undefined;
  private readonly majorMinor: string;

  constructor(
    private readonly first: PythonInfo, // the interpreter this image started with: its major.minor is for life
    private readonly system: string, // what "" and "system" mean: the interpreter the kernel was installed for
    readonly baselinePath: string, // PATH at the kernel's first start, from which every switch rebuilds PATH
    // Called once a switch is going ahead, before the interpreter is touched: winds up what lives in it
    // (the debug session), or refuses the switch by throwing an EnvError.
    private readonly beforeSwitch: (parent: Message) => Promise<void> = () => Promise.resolve(),
  ) {
    this.majorMinor = first.majorMinor;
  }

  // The active environment, read from its files the first time. Files that are gone (a venv deleted or
  // rebuilt under the running kernel) leave what the running interpreter said of itself at its start, so
  // that `current` and a switch away from it are still answered; read again next time.
  async current(): Promise<EnvInfo> {
    if (this.active) return this.active;
    try {
      this.active = (await resolveTarget(this.first.sysExecutable, { cwd: workingDirectory() ?? '/', system: this.system })).env;
      return this.active;
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      const { prefix, basePrefix, sysExecutable, version } = this.first;
      return { kind: prefix === basePrefix ? 'system' : 'venv', root: prefix, executable: sysExecutable, version,
        base_prefix: basePrefix, include_system_site_packages: false };
    }
  }

  // Everything a switch to `target` would check, without touching anything: the plan and the strategy, or
  // an EnvError saying why it is refused. `blockers`: what the interpreter says stands in the way of an
  // in-process switch (asked of it only when the strategy depends on it).
  async check(target: string, blockers: () => Promise<Blockers>, requested?: Strategy): Promise<{ plan: SwitchPlan; strategy: Strategy }> {
    const plan = await preflight(await resolveTarget(target, { cwd: targetDirectory(target), system: this.system }), {
      majorMinor: this.majorMinor, baselinePath: this.baselinePath, loadedLibpython: this.first.libpython,
    });
    return { plan, strategy: await this.strategyFor(plan, blockers, requested) };
  }

  // Serves one switch request. `requested`: a strategy the frontend insists on.
  async switch(target: string, python: PythonSession, parent: Message, requested?: Strategy): Promise<SwitchOutcome | Reexec> {
    const startedAt = Date.now();
    const previous = await this.current();
    let plan: SwitchPlan;
    let strategy: Strategy;
    try {
      ({ plan, strategy } = await withTimeout(this.check(target, () => interpreterBlockers(python, parent), requested),
        SWITCH_TIMEOUT_MS, 'switch plan (resolve, preflight, what stands in the way)'));
      await this.beforeSwitch(parent);
    } catch (caught) {
      const error = caught instanceof TimeoutError ? new EnvError('timeout', `${caught.message}: nothing was changed`) : caught;
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
      await withTimeout(python.restart(plan, parent), FINALIZE_TIMEOUT_MS, 'end of the in-process switch');
    } catch (error) {
      if (error instanceof TimeoutError) {
        // Finalizing hangs (an atexit handler, a thread): the image is replaced anyway, into the target.
        restoreEnviron();
        return { reexec: { target: plan.env, previous, startedAt, lost }, stuck: true };
      }
      // The previous interpreter is finalized and cannot come back in this process (docs/runtime-facts.md,
      // fact 7): a new image of the process brings it back, and reports the failure.
      restoreEnviron();
      const message = `the interpreter of ${plan.env.root} failed to start after the previous one was finalized ` +
        `(${errorMessage(error)})`;
      return { reexec: { target: previous, previous, startedAt, lost, failure: { code: 'init_failed', message } } };
    }
    this.active = plan.env;
    return { ok: true, env: plan.env, previous, strategy, elapsed_ms: Date.now() - startedAt, lost };
  }

  // The thread policy and the strategy, decided before anything is torn down. In-process where it is
  // safe; re-exec where a third-party extension module is loaded (docs/runtime-facts.md, fact 6), the
  // target belongs to another installation (fact 8), or daemon threads run (they would wake in the
  // re-initialised interpreter and crash the process; at exit Python just stops them). Non-daemon threads
  // refuse both: finalizing joins them, so they would hold either strategy up for as long as they run.
  private async strategyFor(plan: SwitchPlan, askBlockers: () => Promise<Blockers>, requested?: Strategy): Promise<Strategy> {
    const blockers = await askBlockers();
    if (blockers.threads.length > 0) {
      throw new EnvError('busy', `threads still running would keep the interpreter from finalizing: ${names(blockers.threads)}`);
    }
    if (requested === 're-exec') return requested;
    const unsafe = !plan.sameLibpython ? `${plan.env.executable} belongs to another installation of Python ` +
      `${this.majorMinor} (${plan.libpython ?? 'no shared libpython'}) than the one loaded (${this.first.libpython})`
      : blockers.extensions.length > 0 ? `extension modules are loaded that cannot be re-initialised in this process ` +
        `(${names(blockers.extensions)})`
        : blockers.daemon_threads.length > 0 ? `daemon threads are running (${names(blockers.daemon_threads)})` : null;
    if (unsafe === null) return 'in-process';
    if (requested === 'in-process') throw new EnvError('busy', `an in-process switch is not safe: ${unsafe}`);
    return 're-exec';
  }
}

// What a relative target is relative to; one is not found once the working directory is gone.
function targetDirectory(target: string): string {
  const cwd = workingDirectory();
  if (cwd !== null) return cwd;
  if (target === '' || target === 'system' || !isRelativePath(target)) return '/';
  throw new EnvError('not_found', `${target} is relative to the kernel's working directory, which no longer exists (a cell removed it): ` +
    'name the environment by its absolute path');
}

// Asked of the interpreter before anything is touched. An answer that is no list of blockers (a cell broke
// what the question needs, such as `threading`) refuses the switch: what would not survive is unknown.
async function interpreterBlockers(python: PythonSession, parent: Message): Promise<Blockers> {
  const answer = await python.request<Content>('switch_blockers', {}, parent);
  const parsed = parseBlockers({ blockers: answer });
  if (parsed.ok) return parsed.value;
  const why = answer.status === 'error' ? `${String(answer.ename)}: ${String(answer.evalue)}` : parsed.error;
  throw new EnvError('busy', `the interpreter could not tell what stands in the way of a switch (${why}): nothing was changed`);
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
