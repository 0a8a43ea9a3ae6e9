// Reading what the MongoDB driver hands back, the same way in every service.

/**
 * A duplicate-key refusal (code 11000), whether from a single write or inside a bulk write's
 * `writeErrors`: the signal every insert-if-absent and idempotency key relies on.
 */
export function isDuplicateKey(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, writeErrors } = error as { code?: number; writeErrors?: Array<{ code?: number }> };
  return (
    code === 11000 || (Array.isArray(writeErrors) && writeErrors.some((w) => w.code === 11000))
  );
}

/** Bytes out of whatever the driver hands back for a binary field (Buffer or BSON Binary). */
export function bytesOf(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value && typeof value === 'object' && 'buffer' in value) {
    const inner = (value as { buffer: unknown }).buffer;
    if (inner instanceof Uint8Array)
      return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  }
  throw new TypeError('expected binary data');
}
