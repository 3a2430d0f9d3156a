import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  API_LIST,
  apiVersionsResponseBody,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  encodeUnsupportedApiVersionsResponse,
  frameSize,
  isFlexible,
  requestHeaderVersion,
  responseHeaderVersion,
  decodeRequestBody,
  supportsVersion,
  type ApiDefinition,
} from '../../../../broker/kafka/protocol/index.js';
import { apiVersions, fetch, listOffsets, metadata, produce } from '../../../../broker/kafka/protocol/apis/index.js';
import { Reader } from '../../../../broker/kafka/protocol/reader.js';
import { Writer } from '../../../../broker/kafka/protocol/writer.js';
import { array, compileStruct, parseVersions, struct, type Field } from '../../../../broker/kafka/protocol/schema.js';
import { isSluiceError, type SluiceError } from '../../../../broker/errors.js';
import { expectedAfterRoundTrip, messageArb } from './arbitrary.js';

function versions(api: ApiDefinition): number[] {
  const out: number[] = [];
  for (let v = api.minVersion; v <= api.maxVersion; v++) out.push(v);
  return out;
}

function catchErr(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (err) {
    if (isSluiceError(err, 'PROTOCOL_ERROR')) return err;
    throw err;
  }
  throw new Error('expected a PROTOCOL_ERROR');
}

describe('round trip for every API at every version', () => {
  for (const api of API_LIST) {
    for (const v of versions(api)) {
      const flexible = isFlexible(api, v);
      it(`${api.name} v${v} request`, () => {
        fc.assert(
          fc.property(messageArb(api.request, v, flexible), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (body, corr) => {
            const frame = encodeRequest(api, v, corr, 'client-1', body);
            expect(frame.readInt32BE(0)).toBe(frame.length - 4);
            const decoded = decodeRequest(frame.subarray(4), supportsVersion);
            expect(decoded.kind).toBe('ok');
            if (decoded.kind !== 'ok') return;
            expect(decoded.header).toEqual({ apiKey: api.apiKey, apiVersion: v, correlationId: corr, clientId: 'client-1' });
            expect(decoded.body).toEqual(expectedAfterRoundTrip(api.request, v, body));
          }),
          { numRuns: 60 },
        );
      });
      it(`${api.name} v${v} response`, () => {
        fc.assert(
          fc.property(messageArb(api.response, v, flexible), (body) => {
            const frame = encodeResponse(api, v, 7, body);
            expect(frame.readInt32BE(0)).toBe(frame.length - 4);
            const { correlationId, body: decoded } = decodeResponse(api, v, frame.subarray(4));
            expect(correlationId).toBe(7);
            expect(decoded).toEqual(expectedAfterRoundTrip(api.response, v, body));
          }),
          { numRuns: 60 },
        );
      });
      it(`${api.name} v${v}: truncated or random request bytes only ever throw SluiceError`, () => {
        fc.assert(
          fc.property(messageArb(api.request, v, flexible), fc.nat(), fc.uint8Array({ maxLength: 8 }), (body, cut, junk) => {
            const frame = encodeRequest(api, v, 1, null, body).subarray(4);
            const at = cut % (frame.length + 1);
            const mutated = Buffer.concat([frame.subarray(0, at), Buffer.from(junk)]);
            try {
              decodeRequest(mutated, supportsVersion);
            } catch (err) {
              if (!isSluiceError(err, 'PROTOCOL_ERROR')) throw err;
            }
          }),
          { numRuns: 100 },
        );
      });
    }
  }

  it('random frames never throw anything but SluiceError', () => {
    const apiHeader = fc.constantFrom(...API_LIST.flatMap((a) => versions(a).map((v) => [a.apiKey, v] as const)));
    fc.assert(
      fc.property(apiHeader, fc.uint8Array({ maxLength: 200 }), ([key, v], bytes) => {
        const head = Buffer.alloc(8);
        head.writeInt16BE(key, 0);
        head.writeInt16BE(v, 2);
        head.writeInt32BE(1, 4);
        try {
          decodeRequest(Buffer.concat([head, Buffer.from(bytes)]), supportsVersion);
        } catch (err) {
          if (!isSluiceError(err, 'PROTOCOL_ERROR')) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('headers', () => {
  it('uses request header v2 / response header v1 for flexible versions, except ApiVersions', () => {
    expect(requestHeaderVersion(apiVersions, 2)).toBe(1);
    expect(requestHeaderVersion(apiVersions, 3)).toBe(2);
    expect(responseHeaderVersion(apiVersions, 3)).toBe(0);
    expect(responseHeaderVersion(metadata, 6)).toBe(0);
    const flexibleApi: ApiDefinition = { ...metadata, maxVersion: 9, request: [], response: [] };
    expect(requestHeaderVersion(flexibleApi, 9)).toBe(2);
    expect(responseHeaderVersion(flexibleApi, 9)).toBe(1);
  });

  it('reports unknown APIs and versions as unsupported, not malformed', () => {
    const w = new Writer();
    w.int16(18).int16(4).int32(9).nullableString('c').uvarint(0);
    const d = decodeRequest(w.finish());
    expect(d.kind).toBe('unsupported');
    expect(d.header).toEqual({ apiKey: 18, apiVersion: 4, correlationId: 9, clientId: 'c' });
    const w2 = new Writer();
    w2.int16(999).int16(0).int32(1).nullableString(null);
    const d2 = decodeRequest(w2.finish());
    expect(d2.kind).toBe('unsupported');
    expect(d2.api).toBeUndefined();
  });

  it('accepts only advertised versions by default; the accept predicate can narrow them', () => {
    const frame = encodeRequest(listOffsets, 7, 3, 'c', { replicaId: -1, isolationLevel: 0, topics: [] }).subarray(4);
    const d = decodeRequest(frame);
    expect(d.kind === 'ok' && d.body.topics).toEqual([]);
    expect(decodeRequest(frame, (api, v) => supportsVersion(api, v) && v < 7).kind).toBe('unsupported');
    // Past the advertised (and codec) range: header only, the body is never looked at.
    const v8 = Buffer.from('0002' + '0008' + '00000003' + '0001' + '63' + '00', 'hex');
    expect(decodeRequest(v8).kind).toBe('unsupported');
    const f9 = encodeRequest(metadata, 9, 3, 'c', { topics: [{ name: 'x' }] }).subarray(4);
    // Metadata v9 is flexible: request header v2 (tag byte after client id), compact body.
    //   header: 0003 0009 00000003 0001 63 | 00 header tags
    //   body: 02 one topic | 0278 compact "x" | 00 topic tags | 01 allowAutoTopicCreation
    //         00 includeClusterAuthorizedOperations | 00 includeTopicAuthorizedOperations | 00 tags
    expect(f9.toString('hex')).toBe('0003000900000003000163' + '00' + '02' + '0278' + '00' + '01' + '00' + '00' + '00');
  });

  it('answers an unsupported ApiVersions version in v0 format with error 35', () => {
    const frame = encodeUnsupportedApiVersionsResponse(42);
    const { correlationId, body } = decodeResponse(apiVersions, 0, frame.subarray(4));
    expect(correlationId).toBe(42);
    expect(body.errorCode).toBe(35);
    expect(body.apiKeys).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 3 });
  });
});

describe('framing helpers', () => {
  it('frameSize waits for 4 bytes and rejects hostile sizes', () => {
    expect(frameSize(Buffer.from([0, 0, 1]), 1024)).toBeNull();
    expect(frameSize(Buffer.from([0, 0, 1, 0]), 1024)).toBe(256);
    expect(catchErr(() => frameSize(Buffer.from('7fffffff', 'hex'), 1024)).message).toMatch(/frame size 2147483647 outside 0..1024/);
    expect(catchErr(() => frameSize(Buffer.from('ffffffff', 'hex'), 1024)).message).toMatch(/frame size -1/);
  });

  it('several responses can share one Writer (one socket write)', () => {
    const w = new Writer(8);
    encodeResponse(apiVersions, 0, 1, apiVersionsResponseBody(), w);
    encodeResponse(metadata, 1, 2, { brokers: [], topics: [] }, w);
    const all = Buffer.from(w.finish());
    const first = all.readInt32BE(0);
    expect(decodeResponse(apiVersions, 0, all.subarray(4, 4 + first)).correlationId).toBe(1);
    const second = all.subarray(4 + first);
    expect(second.readInt32BE(0)).toBe(second.length - 4);
    expect(decodeResponse(metadata, 1, second.subarray(4)).body).toMatchObject({ controllerId: -1, clusterId: null });
  });
});

describe('golden bytes', () => {
  it('ApiVersions v3 request (flexible, request header v2)', () => {
    const frame = encodeRequest(apiVersions, 3, 1, 'test', {
      clientSoftwareName: 'sluice',
      clientSoftwareVersion: '1.0',
    });
    // Hand-checked:
    //   0000001b                size 27
    //   0012 0003 00000001      api_key 18, api_version 3, correlation_id 1
    //   0004 74657374           client_id "test" (classic int16 string even in header v2)
    //   00                      header tagged fields: none
    //   07 736c75696365         client_software_name: compact string, uvarint(6 + 1)
    //   04 312e30               client_software_version "1.0": uvarint(3 + 1)
    //   00                      body tagged fields: none
    const golden = '0000001b' + '001200030000000100047465737400' + '07736c75696365' + '04312e30' + '00';
    expect(frame.toString('hex')).toBe(golden);
    const d = decodeRequest(Buffer.from(golden, 'hex').subarray(4));
    expect(d.kind === 'ok' && d.body).toEqual({ clientSoftwareName: 'sluice', clientSoftwareVersion: '1.0' });
  });

  it('ApiVersions v3 response: header v0 (no tag byte), compact array, tagged fields', () => {
    const frame = encodeResponse(apiVersions, 3, 5, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
      zkMigrationReady: true,
    });
    //   00000016 size 22 | 00000005 correlation id, no header tags
    //   0000 error | 02 compact array len 1+1 | 0012 0000 0003 00 entry + its tags
    //   00000000 throttle | 01 one tag: 03 tag 3, 01 size 1, 01 true
    expect(frame.toString('hex')).toBe('00000016' + '00000005' + '0000' + '02' + '00120000000300' + '00000000' + '01030101');
    const back = decodeResponse(apiVersions, 3, frame.subarray(4)).body;
    expect(back.zkMigrationReady).toBe(true);
    expect(back.finalizedFeaturesEpoch).toBe(-1n);
  });

  it('Fetch v12 response: response header v1, tagged struct field', () => {
    const frame = encodeResponse(fetch, 12, 1, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 5n,
              lastStableOffset: 5n,
              logStartOffset: 0n,
              currentLeader: { leaderId: 1, leaderEpoch: 0 },
              abortedTransactions: null,
              preferredReadReplica: -1,
              records: Buffer.alloc(0),
            },
          ],
        },
      ],
    });
    const golden =
      '00000001' + '00' + // correlation id + header tags (response header v1)
      '00000000' + '0000' + '00000000' + // throttle, error, session
      '02' + '0274' + '02' + // 1 topic "t", 1 partition
      '00000000' + '0000' + '0000000000000005' + '0000000000000005' + '0000000000000000' +
      '00' + 'ffffffff' + '01' + // aborted null, preferred -1, records empty (not null)
      '01' + '01' + '09' + '00000001' + '00000000' + '00' + // 1 tag: tag 1, 9 bytes, struct + its tags
      '00' + '00'; // topic tags, body tags
    expect(frame.subarray(4).toString('hex')).toBe(golden);
    expect(frame.readInt32BE(0)).toBe(golden.length / 2);
    const back = decodeResponse(fetch, 12, frame.subarray(4)).body;
    const p = (back.responses as Array<{ partitions: Array<Record<string, unknown>> }>)[0]!.partitions[0]!;
    expect(p.currentLeader).toEqual({ leaderId: 1, leaderEpoch: 0 });
    expect(p.divergingEpoch).toEqual({ epoch: -1, endOffset: -1n });
    expect(p.records).toEqual(Buffer.alloc(0));
  });

  it('Metadata v0 request', () => {
    const frame = encodeRequest(metadata, 0, 2, 'c', { topics: [{ name: 'a' }] });
    expect(frame.toString('hex')).toBe('00000012' + '0003000000000002' + '000163' + '00000001' + '000161');
  });
});

describe('schema semantics', () => {
  it('parses version ranges', () => {
    expect(parseVersions('0+')).toEqual({ min: 0, max: Infinity });
    expect(parseVersions('3-5')).toEqual({ min: 3, max: 5 });
    expect(parseVersions('7')).toEqual({ min: 7, max: 7 });
    expect(() => parseVersions('x')).toThrow(/invalid version range/);
  });

  it('skips unknown tagged fields and reads known ones', () => {
    const fields: Field[] = [
      { name: 'a', type: 'int16', versions: '0+' },
      { name: 'b', type: 'string', versions: '0+', tag: 4, taggedVersions: '0+', default: 'dflt' },
    ];
    const c = compileStruct(fields, 0, true);
    // a=1, 3 tags: tag 1 (unknown, 2 bytes), tag 4 = compact "hi", tag 9 (unknown, 0 bytes)
    const bytes = Buffer.from('0001' + '03' + '01020000' + '0403036869' + '0900', 'hex');
    expect(c.decode(new Reader(bytes))).toEqual({ a: 1, b: 'hi' });
    expect(c.decode(new Reader(Buffer.from('000100', 'hex')))).toEqual({ a: 1, b: 'dflt' });
    const w = new Writer();
    c.encode(w, { a: 1, b: 'dflt' }); // default tagged values are not written
    expect(w.finish().toString('hex')).toBe('000100');
  });

  it('omits tagged structs and arrays equal to their default, field by field (as Kafka does)', () => {
    const fields: Field[] = [
      { name: 'a', type: 'int16', versions: '0+' },
      {
        name: 'leader',
        type: struct([
          { name: 'id', type: 'int32', versions: '0+', default: -1 },
          { name: 'epoch', type: 'int64', versions: '0+', default: -1n },
          { name: 'rack', type: 'string', versions: '0+', nullableVersions: '0+', default: null },
          { name: 'inner', type: struct([{ name: 'x', type: 'bytes', versions: '0+' }]), versions: '0+' },
        ]),
        versions: '0+',
        tag: 1,
        taggedVersions: '0+',
      },
      { name: 'list', type: array('int32'), versions: '0+', tag: 2, taggedVersions: '0+' },
    ];
    const c = compileStruct(fields, 0, true);
    const enc = (m: Record<string, unknown>) => {
      const w = new Writer();
      c.encode(w, m);
      return w.finish().toString('hex');
    };
    const dflt = { id: -1, epoch: -1n, rack: null, inner: { x: Buffer.alloc(0) } };
    expect(enc({ a: 1, leader: dflt, list: [] })).toBe('000100');
    expect(enc({ a: 1, leader: { id: -1 }, list: [] })).toBe('000100'); // missing members are their defaults
    // Any member off its default (nested ones too) writes the whole struct:
    // a=1 | 1 tag: tag 1, 16 bytes: id, epoch, rack null, inner {x empty, tags}, struct tags
    expect(enc({ a: 1, leader: { ...dflt, id: 3 } })).toBe('0001' + '01' + '01' + '10' + '00000003' + 'ffffffffffffffff' + '00' + '01' + '00' + '00');
    expect(enc({ a: 1, leader: { ...dflt, rack: '' } })).not.toBe('000100'); // '' is not the default null
    expect(enc({ a: 1, leader: { ...dflt, inner: { x: Buffer.from([7]) } } })).not.toBe('000100');
    expect(enc({ a: 1, list: [5] })).toBe('0001' + '01' + '02' + '05' + '02' + '00000005');
    expect(c.decode(new Reader(Buffer.from('000100', 'hex')))).toEqual({ a: 1, leader: dflt, list: [] });
  });

  it('Fetch v12+ responses leave out replica-only tagged structs holding their defaults', () => {
    const partition = {
      partitionIndex: 0,
      errorCode: 0,
      highWatermark: 0n,
      lastStableOffset: 0n,
      logStartOffset: 0n,
      divergingEpoch: { epoch: -1, endOffset: -1n },
      currentLeader: { leaderId: -1, leaderEpoch: -1 },
      snapshotId: { endOffset: -1n, epoch: -1 },
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: Buffer.alloc(0),
    };
    const withDefaults = encodeResponse(fetch, 12, 1, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [partition] }] });
    const { divergingEpoch, currentLeader, snapshotId, ...bare } = partition;
    void divergingEpoch, currentLeader, snapshotId;
    const omitted = encodeResponse(fetch, 12, 1, { throttleTimeMs: 0, errorCode: 0, sessionId: 0, responses: [{ topic: 't', partitions: [bare] }] });
    expect(withDefaults.equals(omitted)).toBe(true);
  });

  it('gives a precise field path and offset for malformed input', () => {
    const body = new Writer();
    // Metadata v1 request: topics array of 2, second topic name truncated.
    // The string's bytes would start at offset 10 (4 count + 4 "ok" + 2 length).
    body.int32(2).nullableString('ok').int16(10).raw(Buffer.from('ab'));
    const err = catchErr(() => decodeResponseOrRequest(metadata, 1, body.finish()));
    expect(err.message).toBe('Metadata v1 request: truncated string: need 10 byte(s), 2 left in field topics[1].name at offset 10');
    expect(err.details).toMatchObject({ offset: 10, path: ['topics', '[1]', 'name'] });
  });

  it('rejects absurd array counts before allocating', () => {
    const body = new Writer();
    body.int32(0x7fffffff);
    const err = catchErr(() => decodeResponseOrRequest(metadata, 1, body.finish()));
    expect(err.message).toMatch(/array length 2147483647 cannot fit in the 0 remaining byte\(s\) in field topics at offset 0/);
  });

  it('rejects trailing bytes and nulls where not nullable', () => {
    expect(catchErr(() => decodeResponseOrRequest(metadata, 1, Buffer.from('ffffffff00', 'hex'))).message).toMatch(/1 unexpected trailing byte/);
    // topics = null is only valid from v1
    expect(catchErr(() => decodeResponseOrRequest(metadata, 0, Buffer.from('ffffffff', 'hex'))).message).toMatch(/null in non-nullable array in field topics/);
    expect(catchErr(() => encodeRequest(metadata, 0, 1, null, { topics: null })).message).toMatch(/null array in a non-nullable field in field topics/);
    expect(catchErr(() => encodeRequest(produce, 3, 1, null, { topicData: [{ name: null }] })).message).toMatch(/Produce v3 request: .*topicData\[0\]\.name/);
  });

  it('refuses versions outside the implemented range', () => {
    expect(catchErr(() => encodeRequest(produce, 10, 1, null, {})).message).toMatch(/Produce v10 is not supported \(supported 0-9\)/);
    expect(catchErr(() => encodeResponse(fetch, 14, 1, {})).message).toMatch(/Fetch v14 is not supported \(supported 0-13\)/);
  });

  it('fills absent fields with defaults (Fetch v0 → v11 fields)', () => {
    const frame = encodeRequest(fetch, 0, 1, null, {
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: 5n, partitionMaxBytes: 1024 }] }],
    });
    const d = decodeRequest(frame.subarray(4));
    expect(d.kind === 'ok' && d.body).toEqual({
      clusterId: null,
      replicaId: -1,
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 0x7fffffff,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 't',
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 5n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 }],
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
  });

  it('a new version is a table change', () => {
    const fields: Field[] = [
      { name: 'items', type: array(struct([{ name: 'id', type: 'int32', versions: '0+' }, { name: 'tag', type: 'string', versions: '2+', nullableVersions: '2+' }])), versions: '0+' },
    ];
    const v1 = compileStruct(fields, 1, false);
    const v2 = compileStruct(fields, 2, true);
    const w1 = new Writer();
    v1.encode(w1, { items: [{ id: 1, tag: 'x' }] });
    expect(w1.finish().toString('hex')).toBe('0000000100000001');
    const w2 = new Writer();
    v2.encode(w2, { items: [{ id: 1, tag: null }] });
    expect(w2.finish().toString('hex')).toBe('02' + '00000001' + '00' + '00' + '00');
  });

  it('generates the ApiVersions body from the registry', () => {
    const body = apiVersionsResponseBody();
    expect(body).toMatchObject({ errorCode: 0, throttleTimeMs: 0 });
    const keys = body.apiKeys.map((k) => k.apiKey);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(body.apiKeys).toEqual(
      expect.arrayContaining([
        { apiKey: 0, minVersion: 0, maxVersion: 9 },
        { apiKey: 1, minVersion: 0, maxVersion: 13 },
        { apiKey: 2, minVersion: 0, maxVersion: 7 },
        { apiKey: 3, minVersion: 0, maxVersion: 12 },
        { apiKey: 8, minVersion: 0, maxVersion: 8 },
        { apiKey: 9, minVersion: 0, maxVersion: 8 },
        { apiKey: 10, minVersion: 0, maxVersion: 5 },
        { apiKey: 11, minVersion: 0, maxVersion: 9 },
        { apiKey: 12, minVersion: 0, maxVersion: 4 },
        { apiKey: 13, minVersion: 0, maxVersion: 5 },
        { apiKey: 14, minVersion: 0, maxVersion: 5 },
        { apiKey: 15, minVersion: 0, maxVersion: 5 },
        { apiKey: 16, minVersion: 0, maxVersion: 5 },
        { apiKey: 18, minVersion: 0, maxVersion: 3 },
        { apiKey: 19, minVersion: 0, maxVersion: 7 },
        { apiKey: 20, minVersion: 0, maxVersion: 6 },
        { apiKey: 21, minVersion: 0, maxVersion: 2 },
        { apiKey: 22, minVersion: 0, maxVersion: 4 },
        { apiKey: 32, minVersion: 0, maxVersion: 4 },
        { apiKey: 33, minVersion: 0, maxVersion: 2 },
        { apiKey: 37, minVersion: 0, maxVersion: 3 },
        { apiKey: 42, minVersion: 0, maxVersion: 2 },
        { apiKey: 44, minVersion: 0, maxVersion: 1 },
      ]),
    );
  });
});

function decodeResponseOrRequest(api: ApiDefinition, v: number, body: Buffer) {
  return decodeRequestBody(api, v, new Reader(body));
}
