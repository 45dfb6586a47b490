// HMAC signing of the wire frames, constant-time verification, and the replay guard that refuses a
// signature seen before.
import { KeyObject, createHmac, createSecretKey, timingSafeEqual } from 'crypto';

const SCHEMES: Record<string, string> = { 'hmac-sha256': 'sha256', 'hmac-sha512': 'sha512', 'hmac-sha1': 'sha1', 'hmac-md5': 'md5' };

export class Signer {
  private readonly algorithm: string;
  // A KeyObject once: createHmac with bytes or a string prepares the key again for every message
  // (6.6 against 4.5 us per HMAC under --jitless, docs/performance.md).
  private readonly key: KeyObject;
  readonly enabled: boolean;

  // An empty key means messages are not signed (the signature frame is empty).
  constructor(scheme: string, key: string) {
    if (!Object.hasOwn(SCHEMES, scheme)) throw new Error(`unsupported signature_scheme ${JSON.stringify(scheme)}`);
    this.algorithm = SCHEMES[scheme];
    this.key = createSecretKey(Buffer.from(key, 'utf8'));
    this.enabled = key.length > 0;
  }

  sign(frames: readonly Buffer[]): string {
    if (!this.enabled) return '';
    const hmac = createHmac(this.algorithm, this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest('hex');
  }

  verify(signature: Buffer, frames: readonly Buffer[]): boolean {
    if (!this.enabled) return true;
    const expected = Buffer.from(this.sign(frames), 'latin1');
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
}

// Remembers the last `capacity` signatures; a message whose signature was already seen is a replay.
export class ReplayGuard {
  private readonly seen = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;

  constructor(private readonly capacity = 65536) {}

  // True the first time a signature is offered, false for a duplicate.
  admit(signature: string): boolean {
    if (signature === '') return true; // unsigned sessions have nothing to compare
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.order.length < this.capacity) {
      this.order.push(signature);
    } else {
      this.seen.delete(this.order[this.head]);
      this.order[this.head] = signature;
      this.head = (this.head + 1) % this.capacity;
    }
    return true;
  }

  // The signatures remembered, oldest first: what a re-exec hands to the guard of the next image.
  recent(): string[] {
    return [...this.order.slice(this.head), ...this.order.slice(0, this.head)];
  }
}
