// Message headers: the fields every Jupyter message carries.
export const PROTOCOL_VERSION = '5.3';

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export type ParentHeader = Header | Record<string, never>;

export function isHeader(value: unknown): value is Header {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const h = value as Record<string, unknown>;
  return ['msg_id', 'session', 'username', 'msg_type', 'version'].every((k) => typeof h[k] === 'string') &&
    (h.date === undefined || typeof h.date === 'string');
}
