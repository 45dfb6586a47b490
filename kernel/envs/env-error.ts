// Why a switch target was refused. The codes are the comm protocol's error codes (DESIGN.md, `pyswitch.env`).
export type SwitchErrorCode = 'not_found' | 'not_python' | 'version_mismatch' | 'broken_env' | 'init_failed' | 'busy';

export class EnvError extends Error {
  constructor(readonly code: SwitchErrorCode, message: string) {
    super(message);
    this.name = 'EnvError';
  }
}
