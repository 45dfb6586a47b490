// Why a switch target was refused. The codes are the comm protocol's error codes (kernel/protocol/env-messages.ts).
import type { SwitchErrorCode } from '../protocol/env-messages';

export type { SwitchErrorCode } from '../protocol/env-messages';

export class EnvError extends Error {
  constructor(readonly code: SwitchErrorCode, message: string) {
    super(message);
    this.name = 'EnvError';
  }
}
