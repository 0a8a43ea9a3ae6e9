import { ensureCollections } from './collections';

const model = (createError?: { code?: number }) => {
  const calls: string[] = [];
  return {
    calls,
    createCollection: async () => {
      calls.push('collection');
      if (createError) throw createError;
    },
    createIndexes: async () => {
      calls.push('indexes');
    },
  };
};

describe('ensureCollections', () => {
  it('creates each collection, then its indexes; one that exists already is fine', async () => {
    const fresh = model();
    const existing = model({ code: 48 });
    await ensureCollections([fresh, existing]);
    expect(fresh.calls).toEqual(['collection', 'indexes']);
    expect(existing.calls).toEqual(['collection', 'indexes']);
  });

  it('passes any other failure on', async () => {
    const broken = model({ code: 13 });
    await expect(ensureCollections([broken])).rejects.toEqual({ code: 13 });
    expect(broken.calls).toEqual(['collection']);
  });
});
