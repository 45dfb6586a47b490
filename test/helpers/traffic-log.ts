// The messages a client sent and received, one line each, for failure reports.
import { KernelClient, Traffic } from '../../kernel/client/kernel-client';

const LIMIT = 400;
const CONTENT_CHARS = 160;

function brief(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > CONTENT_CHARS ? `${json.slice(0, CONTENT_CHARS)}…` : json;
}

function shortId(id: unknown): string {
  return typeof id === 'string' ? id.slice(0, 8) : '-';
}

function describe(traffic: Traffic): string {
  switch (traffic.kind) {
    case 'sent':
      return `→ ${traffic.channel} ${traffic.header.msg_type} id=${shortId(traffic.header.msg_id)} ${brief(traffic.content)}`;
    case 'sent-frames':
      return `→ ${traffic.channel} raw frames ${brief(traffic.frames.map((frame) => frame.toString('utf8')))}`;
    case 'received': {
      const { header, parent_header: parent, content } = traffic.message;
      const parentId = 'msg_id' in parent ? parent.msg_id : undefined;
      return `← ${traffic.channel} ${header.msg_type} parent=${shortId(parentId)} ${brief(content)}`;
    }
    case 'rejected':
      return `✗ ${traffic.channel} rejected: ${traffic.reason}`;
  }
}

export class TrafficLog {
  private readonly entries: { seq: number; text: string }[] = [];
  private readonly start = Date.now();
  private next = 0;

  constructor(client: KernelClient) {
    client.observe((traffic) => {
      if (this.entries.length === LIMIT) this.entries.shift();
      this.entries.push({ seq: this.next++, text: `+${Date.now() - this.start}ms ${describe(traffic)}` });
    });
  }

  // Where the log stands now: format(position) shows what came after.
  position(): number {
    return this.next;
  }

  format(from = 0): string {
    const shown = this.entries.filter((entry) => entry.seq >= from);
    const lost = (shown[0]?.seq ?? this.next) - from;
    return [...(lost > 0 ? [`(${lost} earlier lines not kept)`] : []), ...shown.map((entry) => entry.text)].join('\n');
  }
}
