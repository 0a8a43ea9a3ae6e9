import { appendLeaves, emptyFrontier, frontierNodeIds, frontierRoot } from './frontier';
import { emptyRoot, leafHash, nodeHash } from './hash';
import { MemoryNodeStore } from './memory-node-store';
import { NodeReaderError } from './node-reader';

const leaves = [1, 2, 3].map((i) => leafHash(Uint8Array.of(i)));

test('an empty batch changes nothing and the empty log has the empty root', () => {
  expect(appendLeaves(emptyFrontier(), [])).toEqual({
    nodes: [],
    frontier: emptyFrontier(),
    root: emptyRoot(),
  });
});

test('three leaves store each completed node once, children first', () => {
  const { nodes, frontier, root } = appendLeaves(emptyFrontier(), leaves);
  const h01 = nodeHash(leaves[0], leaves[1]);
  expect(nodes).toEqual([
    { level: 0, index: 0, hash: leaves[0] },
    { level: 0, index: 1, hash: leaves[1] },
    { level: 1, index: 0, hash: h01 },
    { level: 0, index: 2, hash: leaves[2] },
  ]);
  expect(frontier).toEqual({ size: 3, hashes: [h01, leaves[2]] });
  expect(root).toEqual(nodeHash(h01, leaves[2]));
  expect(frontierNodeIds(3)).toEqual([
    { level: 1, index: 0 },
    { level: 0, index: 2 },
  ]);
});

test('a frontier that does not match its size is refused', () => {
  expect(() => frontierRoot({ size: 3, hashes: [leaves[0]] })).toThrow(RangeError);
  expect(() => appendLeaves({ size: 1, hashes: [new Uint8Array(31)] }, [])).toThrow(RangeError);
  expect(() => appendLeaves(emptyFrontier(), [new Uint8Array(33)])).toThrow(RangeError);
});

test('the memory store accepts identical rewrites and refuses conflicting ones', () => {
  const store = new MemoryNodeStore();
  const { nodes } = appendLeaves(emptyFrontier(), leaves);
  store.put(nodes);
  store.put(nodes); // a replayed batch after a crash
  expect(store.count).toBe(4);
  expect(() => store.put([{ level: 0, index: 0, hash: leaves[1] }])).toThrow(NodeReaderError);
});
