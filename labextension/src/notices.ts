// What the user is told after a switch: a refusal starts with the kernel's error code, then its message;
// a success says what the switch dropped (variables, and how many widgets were lost).
import { Notification } from '@jupyterlab/apputils';

import { SwitchReply, envName, versionText } from './protocol';

export function refusalText(reply: Extract<SwitchReply, { ok: false }>): string {
  const state = reply.env ? ` The kernel stays in ${envName(reply.env)} (${reply.env.root}).` : '';
  return `${reply.error.code}: ${reply.error.message.replace(/\.$/, '')}.${state}`;
}

export function successText(reply: Extract<SwitchReply, { ok: true }>): string {
  const widgets = reply.lost?.comms ?? 0;
  const how = reply.strategy === 're-exec' ? 'by re-exec' : 'in-process';
  return `Switched to ${envName(reply.env)} (${reply.env.kind}, ${versionText(reply.env)}) ${how} in ` +
    `${Math.round(reply.elapsed_ms)} ms: variables were dropped, ${widgets} widget${widgets === 1 ? '' : 's'} lost.`;
}

export function notifySwitch(reply: SwitchReply): void {
  if (reply.ok) Notification.success(successText(reply), { autoClose: 8000 });
  else Notification.error(refusalText(reply), { autoClose: false });
}
