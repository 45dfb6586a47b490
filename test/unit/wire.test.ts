/// <reference types="jest" />
// Signing and the wire format, without sockets: our Session against itself, hand-broken frames, and
// vectors signed by jupyter_client's Session (test/fixtures/signing_vectors.json, made by
// scripts/gen_signing_vectors.py).
import * as fs from 'fs';
import * as path from 'path';

import { Session } from '../../kernel/protocol/session';
import { ReplayGuard, Signer } from '../../kernel/protocol/signer';
import { MAX_JSON_DEPTH, exceedsDepth } from '../../kernel/protocol/json-depth';
import { DELIMITER, decode } from '../../kernel/protocol/wire';
import { header, signedFrames } from '../helpers/frames';

const KEY = 'a-test-key';

interface Vector {
  name: string;
  key: string;
  frames: string[];
  signature: string;
  buffers_base64: string[];
  valid: boolean;
}
interface VectorFile {
  signature_scheme: string;
  delimiter: string;
  vectors: Vector[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'signing_vectors.json'), 'utf8'),
) as VectorFile;

function reason(frames: Buffer[], signer = new Signer('hmac-sha256', KEY)): string | undefined {
  const result = decode(frames, signer, new ReplayGuard());
  return result.ok ? undefined : result.reason;
}

describe('encode → decode', () => {
  it('round-trips every part of a message', () => {
    const sender = new Session(KEY);
    const receiver = new Session(KEY);
    const parent = sender.header('execute_request');
    const identity = Buffer.from('client-identity');
    const buffer = Buffer.from([0, 1, 2, 255]);
    const content = { code: 'print("héllo ✓ 🐍")', nested: { list: [1, null, 'x'] } };
    const frames = sender.frames('execute_reply', content, parent, { identities: [identity], metadata: { m: 1 }, buffers: [buffer] });

    const result = receiver.decode(frames);
    if (!result.ok) throw new Error(result.reason);
    const message = result.message;
    expect(message.identities).toEqual([identity]);
    expect(message.header).toMatchObject({ msg_type: 'execute_reply', session: sender.id, version: expect.stringMatching(/^5\./) });
    expect(message.parent_header).toEqual(parent);
    expect(message.metadata).toEqual({ m: 1 });
    expect(message.content).toEqual(content);
    expect(message.buffers).toEqual([buffer]);
  });

  it('signs the four JSON frames with HMAC-SHA256 of the key, in hex', () => {
    const frames = new Session(KEY).frames('kernel_info_request', {});
    const at = frames.indexOf(DELIMITER);
    expect(frames[at + 1].toString()).toEqual(new Signer('hmac-sha256', KEY).sign(frames.slice(at + 2, at + 6)));
    expect(frames[at + 1].toString()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names a decoded request as parent with the very bytes of its header frame, as the peer wrote them", () => {
    const client = new Session(KEY);
    const kernel = new Session(KEY);
    // Spacing JSON.stringify would not write: the frame is reused, not the object stringified again.
    const requestHeader = Buffer.from(JSON.stringify(client.header('execute_request'), null, 1));
    const request = kernel.decode(signedFrames(new Signer('hmac-sha256', KEY), { header: requestHeader.toString() }));
    if (!request.ok) throw new Error(request.reason);
    const reply = kernel.frames('execute_reply', { status: 'ok' }, request.message);
    expect(reply[reply.indexOf(DELIMITER) + 3]).toEqual(requestHeader);
    const decoded = client.decode(reply);
    if (!decoded.ok) throw new Error(decoded.reason);
    expect(decoded.message.parent_header).toEqual(request.message.header);
  });
});

describe('JSON nesting depth', () => {
  const nested = (depth: number, inside = ''): Buffer => Buffer.from(`${'['.repeat(depth)}${inside}${']'.repeat(depth)}`);

  it('allows the limit and refuses one level more, in frames long and short', () => {
    expect(exceedsDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const padding = `"${'x'.repeat(10_000)}"`;
    expect(exceedsDepth(nested(MAX_JSON_DEPTH, padding))).toBe(false);
    expect(exceedsDepth(nested(MAX_JSON_DEPTH + 1, padding))).toBe(true);
    expect(exceedsDepth(Buffer.from(`{"a":${'{"b":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`))).toBe(true);
  });

  it('counts no brackets inside strings, however many there are', () => {
    expect(exceedsDepth(Buffer.from(JSON.stringify({ code: '[{'.repeat(MAX_JSON_DEPTH * 4) })))).toBe(false);
    expect(exceedsDepth(Buffer.from(JSON.stringify({ code: '\\"[{'.repeat(MAX_JSON_DEPTH * 4) })))).toBe(false);
  });
});

describe('signature checks', () => {
  const frames = (): Buffer[] => new Session(KEY).frames('kernel_info_request', { a: 1 });

  it('rejects a frame changed after signing', () => {
    const tampered = frames();
    tampered[5] = Buffer.from('{"a": 2}');
    expect(reason(tampered)).toBe('bad signature');
  });

  it('rejects a changed signature, and one of another length, without throwing', () => {
    const changed = frames();
    const signature = changed[1].toString();
    changed[1] = Buffer.from(`${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`);
    expect(reason(changed)).toBe('bad signature');
    const short = frames();
    short[1] = Buffer.from(signature.slice(0, 10));
    expect(reason(short)).toBe('bad signature');
  });

  it('rejects a missing signature and one made with another key', () => {
    const unsigned = frames();
    unsigned[1] = Buffer.alloc(0);
    expect(reason(unsigned)).toBe('bad signature');
    expect(reason(new Session('another-key').frames('kernel_info_request', {}))).toBe('bad signature');
  });

  it('refuses a replayed message (same signature twice)', () => {
    const receiver = new Session(KEY);
    const message = frames();
    expect(receiver.decode(message).ok).toBe(true);
    expect(receiver.decode(message)).toEqual({ ok: false, reason: 'duplicate signature (replay)' });
  });

  it('refuses an unknown signature_scheme, including names of Object properties', () => {
    for (const scheme of ['hmac-sha3', 'constructor', 'toString']) {
      expect(() => new Signer(scheme, 'key')).toThrow(`unsupported signature_scheme "${scheme}"`);
    }
  });

  it('with an empty key sends an empty signature and accepts anything, replays included', () => {
    const message = new Session('').frames('kernel_info_request', {});
    expect(message[1].length).toBe(0);
    const receiver = new Session('');
    expect(receiver.decode(message).ok).toBe(true);
    expect(receiver.decode(message).ok).toBe(true);
  });
});

describe('malformed frames give the reason', () => {
  const signer = new Signer('hmac-sha256', KEY);
  const good = header('kernel_info_request');

  it.each([
    ['header', { header: '{"msg_id": ' }, 'header is not valid JSON'],
    ['parent_header', { header: good, parent: 'nope' }, 'parent_header is not valid JSON'],
    ['metadata', { header: good, metadata: '[1, 2' }, 'metadata is not valid JSON'],
    ['content', { header: good, content: '{"code": "x"' }, 'content is not valid JSON'],
  ])('broken JSON in the %s', (_, parts, expected) => {
    expect(reason(signedFrames(signer, parts))).toBe(expected);
  });

  it('JSON that is not an object', () => {
    expect(reason(signedFrames(signer, { header: good, content: '[1, 2]' }))).toBe('content is not a JSON object');
  });

  it.each(['msg_id', 'session', 'username', 'msg_type', 'version'])('a header without %s', (field) => {
    const partial: Record<string, unknown> = { ...good };
    delete partial[field];
    expect(reason(signedFrames(signer, { header: partial }))).toBe('header lacks msg_id, session, username, msg_type or version');
  });

  it('too few frames', () => {
    expect(reason(signedFrames(signer, { header: good }).slice(0, 5))).toBe('too few frames');
  });

  it('no delimiter', () => {
    expect(reason(signedFrames(signer, { header: good }).slice(1))).toBe('no <IDS|MSG> delimiter');
  });
});

describe("jupyter_client's signing vectors", () => {
  it('use our scheme and delimiter', () => {
    expect(fixture.signature_scheme).toBe('hmac-sha256');
    expect(fixture.delimiter).toBe(DELIMITER.toString());
    expect(fixture.vectors.length).toBeGreaterThan(0);
  });

  describe.each(fixture.vectors.map((vector) => [vector.name, vector] as const))('%s', (_, vector) => {
    const frames = vector.frames.map((frame) => Buffer.from(frame, 'utf8'));
    const buffers = vector.buffers_base64.map((b64) => Buffer.from(b64, 'base64'));
    const wire = [DELIMITER, Buffer.from(vector.signature), ...frames, ...buffers];
    const signer = new Signer(fixture.signature_scheme, vector.key);

    it(vector.valid ? 'verifies with our Signer and decodes to the same message' : 'is rejected', () => {
      const result = decode(wire, signer, new ReplayGuard());
      if (!vector.valid) {
        expect(result).toEqual({ ok: false, reason: 'bad signature' });
        return;
      }
      if (!result.ok) throw new Error(result.reason);
      const [headerFrame, parentFrame, metadataFrame, contentFrame] = vector.frames.map((frame) => JSON.parse(frame) as unknown);
      expect(result.message.header).toEqual(headerFrame);
      expect(result.message.parent_header).toEqual(parentFrame);
      expect(result.message.metadata).toEqual(metadataFrame);
      expect(result.message.content).toEqual(contentFrame);
      expect(result.message.buffers).toEqual(buffers);
    });

    if (vector.valid) {
      it('gets the same signature from our Signer', () => {
        expect(signer.sign(frames)).toBe(vector.signature);
      });
    }
  });
});

