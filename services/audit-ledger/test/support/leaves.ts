// Factories for leaves and a reference tree built in memory, for checking what the ledger stored.
import { randomUUID } from 'node:crypto';
import { appendLeaves, emptyFrontier, leafHash } from '@cairn/merkle';
import { eventLeaf, type NewLeaf } from '../../src/domain/leaf';

export function newEventLeaf(overrides: { eventId?: string; organisation?: string } = {}): NewLeaf {
  return eventLeaf({
    eventId: overrides.eventId ?? randomUUID(),
    eventType: 'cairn.devtest.events.v1.CounterIncremented',
    source: '/cairn/devtest',
    time: new Date().toISOString(),
    organisation: overrides.organisation ?? 'A81001',
    patientPseudonym: '',
    topic: 'cairn.devtest.events.v1',
    payloadDigest: new Uint8Array(32),
  });
}

/** MTH of leaves given as their leaf data, computed without any storage. */
export function referenceRoot(leafData: readonly Uint8Array[]): Uint8Array {
  return appendLeaves(emptyFrontier(), leafData.map(leafHash)).root;
}
