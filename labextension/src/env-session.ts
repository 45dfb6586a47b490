// One kernel's `pyswitch.env` comm, for one notebook or console: requests matched to replies by id, the
// active environment kept current from replies and `env_changed` events, and the comm reopened when the
// kernel is restarted or replaced (a restart clears the frontend's comms).
import { ISessionContext } from '@jupyterlab/apputils';
import { Kernel, KernelMessage } from '@jupyterlab/services';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { DiscoveredEnv, ENV_COMM_TARGET, EnvChanged, EnvInfo, EnvRequest, ReplyTo, SwitchReply } from './protocol';

interface Pending {
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
}

let nextId = 0;

function isPyswitchSpec(spec: { name: string; metadata?: Record<string, unknown> } | undefined): boolean {
  return spec !== undefined && (spec.metadata?.pyswitch !== undefined || spec.name === 'pyswitch');
}

export class EnvSession implements IDisposable {
  constructor(readonly context: ISessionContext) {
    context.kernelChanged.connect(this.onKernelChanged, this);
    context.statusChanged.connect(this.onStatus, this);
    void this.attach();
  }

  // Anything shown changed: whether the kernel is pyswitch, its environment, a switch under way.
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  // The environment changed by a successful switch (from this frontend or any other).
  get envChanged(): ISignal<this, EnvInfo> {
    return this._envChanged;
  }

  get isPyswitch(): boolean {
    return this._isPyswitch;
  }

  get env(): EnvInfo | null {
    return this._env;
  }

  // The target of the switch under way, if any.
  get switching(): string | null {
    return this._switching;
  }

  get discovered(): DiscoveredEnv[] | null {
    return this._discovered;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  async switchTo(target: string): Promise<SwitchReply> {
    this._switching = target;
    this._changed.emit();
    try {
      const reply = await this.request({ request: 'switch', target });
      if (reply.env) this._env = reply.env; // what is active now, switched or not
      return reply;
    } finally {
      this._switching = null;
      this._changed.emit();
    }
  }

  async discover(roots: string[], depth: number): Promise<DiscoveredEnv[]> {
    const reply = await this.request({ request: 'discover', roots, depth });
    if ('ok' in reply && reply.ok === false) throw new Error(`${reply.error.code}: ${reply.error.message}`);
    this._discovered = (reply as { envs: DiscoveredEnv[] }).envs;
    this._changed.emit();
    return this._discovered;
  }

  request<R extends EnvRequest>(body: R): Promise<ReplyTo<R>> {
    const comm = this.comm;
    if (!comm || comm.isDisposed) return Promise.reject(new Error('the kernel has no pyswitch.env comm open'));
    const id = `pyswitch-lab-${++nextId}`;
    return new Promise<ReplyTo<R>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (data: unknown) => void, reject });
      comm.send({ ...body, id });
    });
  }

  dispose(): void {
    if (this._disposed) return;
    this._disposed = true;
    // Tell a still running kernel, so that it stops sending this comm its events.
    const comm = this.comm;
    if (comm && !comm.isDisposed && this.context.session?.kernel?.status !== 'dead') {
      try {
        comm.close();
      } catch (error) {
        console.warn('pyswitch: could not close the comm', error);
      }
    }
    this.detach(new Error('the notebook or console was closed'));
    Signal.clearData(this);
  }

  private onKernelChanged(): void {
    this.detach(new Error('the kernel was replaced'));
    void this.attach();
  }

  // A restart takes the comm with it; the kernel is back when it reports idle again.
  private onStatus(_: ISessionContext, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'dead') {
      this.detach(new Error(`the kernel is ${status}`));
      this.reopen = status !== 'dead';
    } else if (status === 'idle' && this.reopen) {
      this.reopen = false;
      void this.attach();
    }
  }

  private async attach(): Promise<void> {
    const kernel = this.context.session?.kernel;
    if (!kernel) return;
    const spec = await kernel.spec;
    if (this._disposed || kernel !== this.context.session?.kernel) return;
    this._isPyswitch = isPyswitchSpec(spec as { name: string; metadata?: Record<string, unknown> } | undefined);
    if (!this._isPyswitch) {
      this._changed.emit();
      return;
    }
    const comm = kernel.createComm(ENV_COMM_TARGET);
    comm.onMsg = (msg: KernelMessage.ICommMsgMsg) => this.onData(msg.content.data as Record<string, unknown>);
    comm.onClose = () => {
      if (this.comm === comm) this.detach(new Error('the kernel closed the pyswitch.env comm'));
    };
    this.comm = comm;
    comm.open({});
    try {
      const reply = await this.request({ request: 'current' });
      if ('env' in reply) this._env = reply.env;
    } catch (error) {
      console.warn('pyswitch: no current environment from the kernel', error);
    }
    this._changed.emit();
  }

  private detach(reason: Error): void {
    const comm = this.comm;
    this.comm = null;
    if (comm && !comm.isDisposed) comm.dispose();
    for (const pending of this.pending.values()) pending.reject(reason);
    this.pending.clear();
  }

  private onData(data: Record<string, unknown>): void {
    if (data.event === 'env_changed') {
      this._env = (data as unknown as EnvChanged).env;
      this._envChanged.emit(this._env);
      this._changed.emit();
      return;
    }
    const pending = typeof data.id === 'string' ? this.pending.get(data.id) : undefined;
    if (pending) {
      this.pending.delete(data.id as string);
      pending.resolve(data);
    }
  }

  private comm: Kernel.IComm | null = null;
  private readonly pending = new Map<string, Pending>();
  private reopen = false;
  private _isPyswitch = false;
  private _env: EnvInfo | null = null;
  private _switching: string | null = null;
  private _discovered: DiscoveredEnv[] | null = null;
  private _disposed = false;
  private readonly _changed = new Signal<this, void>(this);
  private readonly _envChanged = new Signal<this, EnvInfo>(this);
}
