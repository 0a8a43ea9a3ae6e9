// The gRPC API against a ledger fed through real Kafka: heads whose signatures check (and fail
// with another key), proofs that verify, the errors a caller can branch on, organisation-scoped
// auditors (real access tokens from a TestTokenIssuer, its JWKS served over loopback HTTP and
// fetched by the ledger's RemoteJwks), and erasure that leaves the tree verifiable and the
// payload unreadable.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { create } from '@bufbuild/protobuf';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, type Client } from '@connectrpc/connect';
import {
  AuditLedgerService,
  GetSignedTreeHeadRequestSchema,
  LeafKind,
  type SignedTreeHead,
} from '@cairn/contracts/cairn/audit_ledger/v1/ledger_pb';
import { TreeHeadSignedSchema } from '@cairn/contracts/cairn/audit_ledger/events/v1/events_pb';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { SessionsRevokedSchema } from '@cairn/contracts/cairn/identity/events/v1/events_pb';
import { serveJwks, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import { verifyConsistency, verifyInclusion, verifyTreeHeadSignature } from '@cairn/merkle';
import { createServiceClient } from '@cairn/platform';
import { headBlobName } from '../src/heads/tree-head.blob-store';
import type { Ledger } from '../src/ledger';
import { syntheticNhsNumber, TestKafka } from './support/events';
import { grpcJsUnary } from '@cairn/testing';
import { startInProcess, waitFor } from './support/in-process';
import { ledgerTestEnv, type LedgerTestEnv } from './support/ledger-env';

const patientP = syntheticNhsNumber(101);
const patientQ = syntheticNhsNumber(202);

function headOf(h: SignedTreeHead | undefined) {
  if (!h) throw new Error('no head');
  return {
    treeSize: Number(h.treeSize),
    timestampMs: h.timestamp ? timestampMs(h.timestamp) : NaN,
    rootHash: h.rootHash,
    signature: h.signature,
  };
}

async function code(call: Promise<unknown>): Promise<Code> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error).code;
  }
  throw new Error('expected the call to fail');
}

describe('audit-ledger gRPC', () => {
  let t: LedgerTestEnv;
  let kafka: TestKafka;
  let ledger: Ledger;
  let stop: () => Promise<void>;
  let client: Client<typeof AuditLedgerService>;
  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  let ids: { a1: string; a2: string; b1: string; q1: string };
  let issuer: TestTokenIssuer;
  let jwks: JwksServer;
  let tokens: { auditorA: string; auditorB: string; platform: string; clinician: string };

  async function latestHeadCovering(size: number) {
    return waitFor(`a head of size >= ${size}`, async () => {
      const { head } = await client.getSignedTreeHead({});
      return head && Number(head.treeSize) >= size ? head : undefined;
    });
  }

  beforeAll(async () => {
    // Identity normalises its issuer URL (a bare host gains "/"), and so does the ledger's config.
    issuer = await TestTokenIssuer.create({ issuer: 'https://identity.cairn.test/' });
    jwks = await serveJwks(() => issuer.jwks());
    const auditor = { roles: ['auditor'], amr: ['pwd', 'otp'] };
    const life = { expiresInSeconds: 900 };
    tokens = {
      auditorA: await issuer.mint({ sub: 'auditor-a', org: 'A81001', ...auditor }, life),
      auditorB: await issuer.mint({ sub: 'auditor-b', org: 'B81002', ...auditor }, life),
      platform: await issuer.mint(
        {
          sub: 'platform-auditor',
          org: undefined,
          roles: [],
          platform_roles: ['platform-auditor'],
        },
        life,
      ),
      clinician: await issuer.mint({ sub: 'dr-a', org: 'A81001', roles: ['clinician'] }, life),
    };
    t = await ledgerTestEnv('rpc', {
      IDENTITY_ISSUER: issuer.issuer,
      IDENTITY_JWKS_URL: jwks.url.href,
    });
    t.env.LEDGER_IDENTITY_EVENTS_TOPIC = t.topic('identity');
    kafka = new TestKafka();
    await kafka.createTopic(t.topic('gateway'));
    await kafka.createTopic(t.topic('identity'));
    ({ ledger, stop } = await startInProcess(t.env));
    client = createServiceClient(AuditLedgerService, { baseUrl: ledger.rpc.url });
    const [a1, a2, b1, q1] = await kafka.sendEvents(t.topic('gateway'), [
      { organisation: 'A81001', patient: patientP, payload: Buffer.from('photo viewed by dr A') },
      { organisation: 'A81001', patient: patientP, actor: 'staff:staff-2' },
      { organisation: 'B81002', patient: patientQ },
      { organisation: 'A81001', patient: patientQ },
    ]);
    ids = { a1, a2, b1, q1 };
    await waitFor('four leaves', async () => (await ledger.tree.state()).size === 4 || undefined);
  });
  afterAll(async () => {
    await stop?.();
    await kafka?.close();
    await jwks?.close();
  });

  it('serves a signed tree head to a plain grpc-js client; another key does not verify it', async () => {
    await latestHeadCovering(4);
    const { head } = await grpcJsUnary(
      `127.0.0.1:${ledger.rpc.port}`,
      AuditLedgerService.method.getSignedTreeHead,
      create(GetSignedTreeHeadRequestSchema),
    );
    const h = headOf(head);
    expect(h.treeSize).toBe(4);
    expect(verifyTreeHeadSignature(h, h.signature, t.publicKey)).toBe(true);
    const stranger = generateKeyPairSync('ed25519').publicKey;
    expect(verifyTreeHeadSignature(h, h.signature, stranger)).toBe(false);
    expect(head?.keyId).toBe(ledger.signer.keyId);
  });

  it('publishes each head as a TreeHeadSigned event and writes it to blob storage', async () => {
    const h = headOf(await latestHeadCovering(4));
    const blob = await waitFor('the head blob', () => ledger.blobs.read(h.treeSize));
    expect(JSON.parse(blob)).toMatchObject({ treeSize: h.treeSize, timestampMs: h.timestampMs });
    expect(headBlobName(4)).toBe('heads/0000000000000004.json');
    const events = await kafka.readTopic(t.env.LEDGER_EVENTS_TOPIC, 1);
    const sizes = events.map((e) =>
      Number(fromBinary(TreeHeadSignedSchema, e.value ?? new Uint8Array()).head?.treeSize),
    );
    expect(sizes.length).toBeGreaterThan(0);
    expect(events[0].headers.ce_type?.toString()).toBe(TreeHeadSignedSchema.typeName);
  });

  it('proves inclusion by event id or index, and consistency between sizes', async () => {
    const h = headOf(await latestHeadCovering(4));
    const byId = await client.getInclusionProof({ leaf: { case: 'eventId', value: ids.b1 } });
    expect(Number(byId.treeSize)).toBe(h.treeSize);
    verifyInclusion(Number(byId.leafIndex), h.treeSize, byId.leafHash, byId.hashes, h.rootHash);
    const byIndex = await client.getInclusionProof({
      leaf: { case: 'leafIndex', value: 0n },
      treeSize: 4n,
    });
    verifyInclusion(0, 4, byIndex.leafHash, byIndex.hashes, h.rootHash);

    const root2 = await ledger.tree.rootAt(2);
    const proof = await client.getConsistencyProof({ first: 2n, second: 4n });
    verifyConsistency(2, 4, proof.hashes, root2, h.rootHash);
  });

  it('answers NotFound for unknown leaves and InvalidArgument for impossible sizes', async () => {
    expect(await code(client.getInclusionProof({ leaf: { case: 'eventId', value: 'nope' } }))).toBe(
      Code.NotFound,
    );
    expect(
      await code(client.getLeaf({ leaf: { case: 'leafIndex', value: 999n } }, as(tokens.platform))),
    ).toBe(Code.NotFound);
    expect(
      await code(
        client.getInclusionProof({ leaf: { case: 'leafIndex', value: 0n }, treeSize: 999n }),
      ),
    ).toBe(Code.InvalidArgument);
    expect(await code(client.getConsistencyProof({ first: 0n, second: 2n }))).toBe(
      Code.InvalidArgument,
    );
    expect(await code(client.getConsistencyProof({ first: 3n, second: 2n }))).toBe(
      Code.InvalidArgument,
    );
    expect(await code(client.getConsistencyProof({ first: 1n, second: 999n }))).toBe(
      Code.InvalidArgument,
    );
    expect(await code(client.getInclusionProof({}))).toBe(Code.InvalidArgument);
  });

  it('answers the auditor RPCs only for auditors with a valid token', async () => {
    const leaf = { leaf: { case: 'eventId' as const, value: ids.a1 } };
    const drain = async (stream: AsyncIterable<unknown>) => {
      for await (const chunk of stream) void chunk;
    };
    const calls = (options?: { headers: { authorization: string } }) => [
      client.getLeaf(leaf, options),
      client.queryEntries({ filter: {} }, options),
      drain(client.exportEntries({ filter: {} }, options)),
    ];
    // No token: Unauthenticated. The hash-only methods stay open to anyone.
    for (const call of calls()) expect(await code(call)).toBe(Code.Unauthenticated);
    await client.getInclusionProof({ leaf: { case: 'eventId', value: ids.a1 } });
    // Staff of the same organisation who are not auditors: PermissionDenied.
    for (const call of calls(as(tokens.clinician))) {
      expect(await code(call)).toBe(Code.PermissionDenied);
    }
    // A well-formed auditor token signed by a key identity never published: Unauthenticated.
    const stranger = await TestTokenIssuer.create();
    const forged = await stranger.mint({ org: 'A81001', roles: ['auditor'] });
    for (const call of calls(as(forged))) expect(await code(call)).toBe(Code.Unauthenticated);
    // Not a bearer token at all.
    expect(await code(client.getLeaf(leaf, { headers: { authorization: 'Basic abc' } }))).toBe(
      Code.Unauthenticated,
    );
    expect(jwks.fetches).toBeGreaterThan(0);
  });

  it("shows an organisation's auditor its own entries only", async () => {
    expect(
      await code(client.getLeaf({ leaf: { case: 'eventId', value: ids.b1 } }, as(tokens.auditorA))),
    ).toBe(Code.NotFound);
    expect(
      await code(client.getLeaf({ leaf: { case: 'eventId', value: ids.a1 } }, as(tokens.auditorB))),
    ).toBe(Code.NotFound);
    const theirs = await client.getLeaf(
      { leaf: { case: 'eventId', value: ids.b1 } },
      as(tokens.auditorB),
    );
    expect(theirs.leaf?.organisation).toBe('B81002');
    const platform = await client.getLeaf(
      { leaf: { case: 'eventId', value: ids.b1 } },
      as(tokens.platform),
    );
    expect(platform.leaf?.organisation).toBe('B81002');
    const own = await client.getLeaf(
      { leaf: { case: 'eventId', value: ids.a1 }, includePayload: true },
      as(tokens.auditorA),
    );
    expect(own.leaf?.kind).toBe(LeafKind.EVENT);
    expect(Buffer.from(own.leaf?.payload ?? []).toString()).toBe('photo viewed by dr A');
    expect(own.leaf?.patientPseudonym).not.toContain(patientP);
    expect(
      await code(client.getLeaf({ leaf: { case: 'eventId', value: ids.b1 } }, as(tokens.auditorA))),
    ).toBe(Code.NotFound);
    expect(
      await code(client.queryEntries({ filter: { organisation: 'B81002' } }, as(tokens.auditorA))),
    ).toBe(Code.PermissionDenied);

    const mine = await client.queryEntries({ filter: {} }, as(tokens.auditorA));
    expect(mine.entries.map((e) => e.eventId).sort()).toEqual([ids.a1, ids.a2, ids.q1].sort());
    const patientQEntries = await client.queryEntries(
      { filter: { patientNhsNumber: patientQ } },
      as(tokens.platform),
    );
    expect(patientQEntries.entries.map((e) => e.eventId).sort()).toEqual([ids.b1, ids.q1].sort());
    const paged = await client.queryEntries({ filter: {}, pageSize: 2 }, as(tokens.platform));
    expect(paged.entries).toHaveLength(2);
    const rest = await client.queryEntries(
      { filter: {}, pageSize: 2, pageToken: paged.nextPageToken },
      as(tokens.platform),
    );
    expect(rest.entries.map((e) => Number(e.index))).toEqual([2, 3]);
  });

  it('erases a patient: payload unreadable, redaction leaf appended, tree still verifies', async () => {
    const before = headOf(await latestHeadCovering(4));
    const outcome = await ledger.erase.execute({
      erasureId: 'erasure-1',
      organisation: 'A81001',
      patientNhsNumber: patientP,
    });
    expect(outcome.payloadsDeleted).toBe(2);
    expect(outcome.keysDestroyed).toBe(1);
    // Idempotent: running the erasure again adds no second redaction leaf.
    expect(
      (
        await ledger.erase.execute({
          erasureId: 'erasure-1',
          organisation: 'A81001',
          patientNhsNumber: patientP,
        })
      ).redactionLeafIndex,
    ).toBe(outcome.redactionLeafIndex);

    const erased = await client.getLeaf(
      { leaf: { case: 'eventId', value: ids.a1 }, includePayload: true },
      as(tokens.platform),
    );
    expect(erased.leaf?.payloadErased).toBe(true);
    expect(erased.leaf?.payload).toHaveLength(0);
    const other = await client.getLeaf(
      { leaf: { case: 'eventId', value: ids.q1 }, includePayload: true },
      as(tokens.platform),
    );
    expect(other.leaf?.payloadErased).toBe(false);
    expect(other.leaf?.payload.length).toBeGreaterThan(0);

    const after = headOf(await latestHeadCovering(5));
    verifyConsistency(
      before.treeSize,
      after.treeSize,
      (
        await client.getConsistencyProof({
          first: BigInt(before.treeSize),
          second: BigInt(after.treeSize),
        })
      ).hashes,
      before.rootHash,
      after.rootHash,
    );
    for (let i = 0; i < after.treeSize; i++) {
      const p = await client.getInclusionProof({
        leaf: { case: 'leafIndex', value: BigInt(i) },
        treeSize: BigInt(after.treeSize),
      });
      verifyInclusion(i, after.treeSize, p.leafHash, p.hashes, after.rootHash);
    }
    const redaction = await client.getLeaf(
      { leaf: { case: 'leafIndex', value: BigInt(outcome.redactionLeafIndex) } },
      as(tokens.platform),
    );
    expect(redaction.leaf?.kind).toBe(LeafKind.REDACTION);
    // A later event for the erased patient is recorded, but its payload is not kept.
    const [late] = await kafka.sendEvents(t.topic('gateway'), [
      { organisation: 'A81001', patient: patientP },
    ]);
    await waitFor('the late event', () => ledger.tree.leafByEventId(late));
    const lateLeaf = await client.getLeaf(
      { leaf: { case: 'eventId', value: late }, includePayload: true },
      as(tokens.platform),
    );
    expect(lateLeaf.leaf?.payloadErased).toBe(true);
  });

  it('exports NDJSON that the stand-alone verifier accepts, and names an edited leaf', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-export-'));
    const keyFile = path.join(dir, 'ledger.pem');
    writeFileSync(keyFile, t.publicKey.export({ type: 'spki', format: 'pem' }));
    const verify = (ndjson: string) => {
      const file = path.join(dir, `export-${Math.random()}.ndjson`);
      writeFileSync(file, ndjson);
      const cli = path.resolve(__dirname, '../../../tools/verifier/src/cli.ts');
      const run = spawnSync(process.execPath, [cli, file, '--key', keyFile], { encoding: 'utf8' });
      return { code: run.status, out: run.stdout + run.stderr };
    };
    const exportAs = async (token: string, complete: boolean) => {
      let text = '';
      for await (const chunk of client.exportEntries({ complete, filter: {} }, as(token))) {
        text += Buffer.from(chunk.ndjson).toString('utf8');
      }
      return text;
    };

    const complete = await exportAs(tokens.platform, true);
    expect(verify(complete)).toMatchObject({ code: 0 });

    const lines = complete
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const target = lines.find((l) => l.type === 'leaf' && l.index === 2);
    if (!target) throw new Error('leaf 2 is not in the export');
    const data = Buffer.from(String(target.leafData), 'base64');
    data[10] ^= 0x20;
    target.leafData = data.toString('base64');
    const edited = verify(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(edited.code).toBe(1);
    expect(edited.out).toContain('FAILED at leaf 2');

    const scoped = await exportAs(tokens.auditorA, false);
    expect(scoped).not.toContain(ids.b1);
    expect(scoped).toContain(ids.a1);
    expect(verify(scoped)).toMatchObject({ code: 0 });
    expect(await code(exportAs(tokens.auditorA, true))).toBe(Code.PermissionDenied);
    // Org B's entries are not exportable by org A's auditor, by filter or otherwise.
    let refused: Code | undefined;
    try {
      for await (const chunk of client.exportEntries(
        { complete: false, filter: { organisation: 'B81002' } },
        as(tokens.auditorA),
      )) {
        void chunk;
      }
    } catch (error) {
      refused = ConnectError.from(error).code;
    }
    expect(refused).toBe(Code.PermissionDenied);
    const theirs = await exportAs(tokens.auditorB, false);
    expect(theirs).toContain(ids.b1);
    expect(theirs).not.toContain(ids.a1);
    expect(verify(theirs)).toMatchObject({ code: 0 });
    // A clinician cannot export at all.
    expect(await code(exportAs(tokens.clinician, false))).toBe(Code.PermissionDenied);
  });

  // Last: identity's event becomes a leaf too, which the size checks above do not expect.
  it("refuses an auditor's token once identity revokes the session", async () => {
    const sid = 'session-leaver-1';
    const leaver = await issuer.mint(
      { sub: 'auditor-leaver', org: 'A81001', roles: ['auditor'], amr: ['pwd', 'otp'], sid },
      { expiresInSeconds: 900 },
    );
    const read = () => client.getLeaf({ leaf: { case: 'eventId', value: ids.a1 } }, as(leaver));
    expect((await read()).leaf?.eventId).toBe(ids.a1);
    // A SessionsRevoked naming the session on another topic revokes nothing.
    const revoked = Buffer.from(
      toBinary(SessionsRevokedSchema, create(SessionsRevokedSchema, { sessionIds: [sid] })),
    );
    const [elsewhere] = await kafka.sendEvents(t.topic('gateway'), [
      { type: SessionsRevokedSchema.typeName, payload: revoked, actor: 'system:identity' },
    ]);
    await waitFor('the foreign event', () => ledger.tree.leafByEventId(elsewhere));
    expect((await read()).leaf?.eventId).toBe(ids.a1);
    await kafka.sendEvents(t.topic('identity'), [
      { type: SessionsRevokedSchema.typeName, payload: revoked, actor: 'system:identity' },
    ]);
    expect(
      await waitFor('the revocation', async () => {
        try {
          await read();
          return undefined;
        } catch (error) {
          return ConnectError.from(error).code;
        }
      }),
    ).toBe(Code.Unauthenticated);
    // Other sessions are unaffected.
    expect(
      (await client.getLeaf({ leaf: { case: 'eventId', value: ids.a1 } }, as(tokens.auditorA))).leaf
        ?.eventId,
    ).toBe(ids.a1);
  });
});
