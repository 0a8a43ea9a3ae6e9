// The gateway's media-vault adapter against the real media-vault process (started from its
// sources, as `npm start` does) on the shared FerretDB, Kafka and Azurite: a patient's photo
// streams in with the gateway's service token and comes back with quality advice; staff of the
// organisation read it with their own token; other organisations and the service token cannot.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { serveJwks, TestTokenIssuer, type JwksServer } from '@cairn/auth/testing';
import { freePort, testInfra, uniqueName } from '@cairn/testing';
import { mediaVaultClient } from '../src/adapters/grpc-clients';
import { GrpcMediaVault } from '../src/adapters/media-vault.grpc';
import { GatewayErrorCode } from '../src/domain/gateway-error';
import { documentGroup } from '../src/ports/media-vault.port';
import { PDFDocument } from 'pdf-lib';

const ROOT = join(__dirname, '../../..');
const SERVICE_TOKEN = randomBytes(32).toString('base64url');

let vaultProcess: ChildProcess;
let jwks: JwksServer;
let tokens: TestTokenIssuer;
let vault: GrpcMediaVault;
let output = '';

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (vaultProcess.exitCode !== null) throw new Error(`media-vault exited:\n${output}`);
    const ok = await fetch(url)
      .then((res) => res.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`media-vault not ready:\n${output}`);
}

async function* bytes(buffer: Buffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += 16 * 1024) yield buffer.subarray(i, i + 16 * 1024);
}

async function code(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
}

beforeAll(async () => {
  // The vault normalises the issuer as identity does (an origin gets its trailing slash).
  tokens = await TestTokenIssuer.create({ issuer: 'https://identity.cairn.test/' });
  jwks = await serveJwks(() => tokens.jwks());
  const infra = testInfra();
  const [grpcPort, healthPort] = [await freePort(), await freePort()];
  const name = uniqueName('gw-vault');
  vaultProcess = spawn(
    join(ROOT, 'node_modules/.bin/node'),
    ['--require', './tools/dev/register-ts.cjs', 'services/media-vault/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        GRPC_PORT: String(grpcPort),
        HEALTH_PORT: String(healthPort),
        MONGODB_URI: infra.mongoUrl(name),
        KAFKA_BROKERS: infra.kafkaBrokers.join(','),
        MEDIA_BLOB_CONNECTION_STRING: infra.azuriteConnectionString,
        MEDIA_BLOB_CONTAINER: name,
        MEDIA_EVENTS_TOPIC: `${name}.events`,
        MEDIA_CONSUMER_GROUP: name,
        MEDIA_SCAN_MODE: 'off',
        MEDIA_KEY_STORE: 'local',
        MEDIA_KEK: randomBytes(32).toString('base64'),
        MEDIA_PSEUDONYM_KEY: randomBytes(32).toString('base64'),
        MEDIA_SERVICE_TOKEN_SHA256: `gateway:${createHash('sha256').update(SERVICE_TOKEN).digest('hex')}`,
        IDENTITY_ISSUER: tokens.issuer,
        IDENTITY_JWKS_URL: jwks.url.toString(),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  vaultProcess.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  vaultProcess.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitReady(`http://127.0.0.1:${healthPort}/readyz`, 90_000);
  vault = new GrpcMediaVault(mediaVaultClient(`http://127.0.0.1:${grpcPort}`), SERVICE_TOKEN);
});

afterAll(async () => {
  if (vaultProcess && vaultProcess.exitCode === null) {
    vaultProcess.kill('SIGTERM');
    await new Promise((resolve) => vaultProcess.once('exit', resolve));
  }
  await jwks?.close();
});

describe('media vault adapter against the real vault', () => {
  const upload = {
    odsCode: 'A81001',
    nhsNumber: '9434765919',
    filename: 'arm.jpg',
    declaredType: 'image/jpeg',
  };

  it('streams a patient photo in and lets staff of the organisation read it back', async () => {
    const groupId = `${randomBytes(8).toString('hex')}-0000-0000-0000-000000000000`.slice(0, 36);
    const jpeg = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: '#b07060' },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const photo = await vault.uploadForPatient({ ...upload, groupId }, bytes(jpeg));
    expect(photo.mediaId).toBeTruthy();
    expect(photo.contentType).toBe('image/jpeg');
    expect(Array.isArray(photo.advice)).toBe(true);

    const staffToken = await tokens.mint({ org: 'A81001', roles: ['clinician'] });
    const stored = await vault.readAsStaff(staffToken, photo.mediaId, false);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stored.chunks) chunks.push(chunk);
    expect(Buffer.concat(chunks).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));

    const otherOrg = await tokens.mint({ org: 'B82002', roles: ['clinician'] });
    expect(await code(vault.readAsStaff(otherOrg, photo.mediaId, false))).not.toBe('ok');
    // The gateway's own credential cannot read a patient's photo, only documents sent to them.
    expect(
      await code(vault.readForPatient({ odsCode: 'A81001', groupId }, photo.mediaId)),
    ).not.toBe('ok');
  });

  it('reads a document sent to a patient with its own credential, in its document group only', async () => {
    const requestId = `${randomBytes(8).toString('hex')}-2222-2222-2222-222222222222`.slice(0, 36);
    const group = documentGroup(requestId);
    const doc = await PDFDocument.create();
    doc.addPage();
    const letter = Buffer.from(await doc.save());
    const stored = await vault.uploadForPatient(
      { ...upload, groupId: group, filename: 'letter.pdf', declaredType: 'application/pdf' },
      bytes(letter),
    );
    const read = await vault.readForPatient({ odsCode: 'A81001', groupId: group }, stored.mediaId);
    expect(read.inline).toBe(false);
    const chunks: Uint8Array[] = [];
    for await (const chunk of read.chunks) chunks.push(chunk);
    expect(Buffer.concat(chunks).subarray(0, 5).toString()).toBe('%PDF-');
    const elsewhere = documentGroup(`${requestId.slice(0, 35)}9`);
    expect(
      await code(vault.readForPatient({ odsCode: 'A81001', groupId: elsewhere }, stored.mediaId)),
    ).not.toBe('ok');
  });

  it('lists and reads for subject access with a Privacy Officer token, own organisation only', async () => {
    const groupId = `${randomBytes(8).toString('hex')}-3333-3333-3333-333333333333`.slice(0, 36);
    const jpeg = await sharp({
      create: { width: 640, height: 480, channels: 3, background: '#7060b0' },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const photo = await vault.uploadForPatient({ ...upload, groupId }, bytes(jpeg));
    const officer = await tokens.mint({ org: 'A81001', roles: ['privacy-officer'] });
    const listing = await vault.listForSubjectAccess(officer, groupId);
    expect(listing.includesDeleted).toBe(true);
    const listed = listing.objects;
    expect(listed.map((o) => o.objectId)).toEqual([photo.mediaId]);
    expect(listed[0]).toMatchObject({
      groupId,
      kind: 'image',
      mediaType: 'image/jpeg',
      deleted: null,
    });
    const read = await vault.readForSubjectAccess(officer, photo.mediaId);
    expect(read.inline).toBe(false);
    const chunks: Uint8Array[] = [];
    for await (const chunk of read.chunks) chunks.push(chunk);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(
      listed[0]!.storedSha256,
    );
    // Without the subject-access purpose the same officer reads nothing; elsewhere, nothing.
    expect(await code(vault.readAsStaff(officer, photo.mediaId, true))).not.toBe('ok');
    const otherOfficer = await tokens.mint({ org: 'B82002', roles: ['privacy-officer'] });
    expect(await code(vault.readForSubjectAccess(otherOfficer, photo.mediaId))).not.toBe('ok');
    const clinician = await tokens.mint({ org: 'A81001', roles: ['clinician'] });
    expect(await code(vault.listForSubjectAccess(clinician, groupId))).not.toBe('ok');
  });

  it('lists and reads a photo the patient removed for subject access, marked deleted; staff cannot', async () => {
    const groupId = `${randomBytes(8).toString('hex')}-4444-4444-4444-444444444444`.slice(0, 36);
    const jpeg = await sharp({
      create: { width: 320, height: 240, channels: 3, background: '#60b070' },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const kept = await vault.uploadForPatient({ ...upload, groupId }, bytes(jpeg));
    const removed = await vault.uploadForPatient(
      { ...upload, groupId, filename: 'blurred.jpg' },
      bytes(jpeg),
    );
    await vault.discardForPatient({ odsCode: 'A81001', groupId }, removed.mediaId);

    const guardian = await tokens.mint({ org: 'A81001', roles: ['caldicott-guardian'] });
    const { objects } = await vault.listForSubjectAccess(guardian, groupId);
    expect(objects.map((o) => [o.objectId, o.deleted?.by ?? null])).toEqual([
      [kept.mediaId, null],
      [removed.mediaId, 'patient'],
    ]);
    expect(objects[1]!.deleted!.at).toBeInstanceOf(Date);
    const read = await vault.readForSubjectAccess(guardian, removed.mediaId);
    const chunks: Uint8Array[] = [];
    for await (const chunk of read.chunks) chunks.push(chunk);
    expect(createHash('sha256').update(Buffer.concat(chunks)).digest('hex')).toBe(
      objects[1]!.storedSha256,
    );
    const clinician = await tokens.mint({ org: 'A81001', roles: ['clinician'] });
    expect(await code(vault.readAsStaff(clinician, removed.mediaId, true))).not.toBe('ok');
    expect(await code(vault.readAsStaff(clinician, kept.mediaId, true))).toBe('ok');
  });

  it('turns the vault refusal of a hostile file into a message for the patient', async () => {
    const groupId = `${randomBytes(8).toString('hex')}-1111-1111-1111-111111111111`.slice(0, 36);
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    await expect(
      vault.uploadForPatient({ ...upload, groupId, filename: 'x.jpg' }, bytes(html)),
    ).rejects.toMatchObject({ code: GatewayErrorCode.FileTypeNotAllowed });
  });
});
