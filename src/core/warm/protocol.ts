// How the host and the warm-boot agent (src/cli/build/files/warm-agent.c) talk through guest
// memory. The agent, PID 1 of a snapshot boot, fills a buffer of pages with headers and marks
// page 0 ready; the host finds those pages by scanning guest physical memory once, when it takes
// the snapshot (a restored snapshot has them at the same addresses). A warm boot writes the
// payload (a header with the wall clock, then the user's files as one newc archive) across
// those pages in order, which the agent reads as one contiguous buffer in its own address space;
// an archive larger than the buffer goes in chunks, each acknowledged by the agent.
// Pure bytes in and out: the runner reads and writes the memory.

export const WARM_PAGE_BYTES = 4096;
/** The payload header before the archive. */
export const WARM_PAYLOAD_HEADER_BYTES = 32;

/** "\x7fBLWARM\x01": the first bytes of every page of a waiting agent's buffer. */
const PAGE_MAGIC = [0x7f, 0x42, 0x4c, 0x57, 0x41, 0x52, 0x4d, 0x01];
const PAYLOAD_MAGIC = [0x42, 0x4c, 0x57, 0x50, 0x41, 0x59, 0x30, 0x31]; // "BLWPAY01"

/** The agent's buffer as guest physical pages, in the order the agent sees them. */
export interface AgentBuffer {
  /** The guest physical address of each page of the buffer. */
  pages: readonly number[];
  /** The nonce the agent wrote in every page header: tells this buffer from a stale copy. */
  nonce: number;
}

/** How many archive bytes a buffer carries. */
export function bufferCapacity(buffer: AgentBuffer): number {
  return buffer.pages.length * WARM_PAGE_BYTES - WARM_PAYLOAD_HEADER_BYTES;
}

function u32(memory: Uint8Array, at: number): number {
  return (memory[at]! | (memory[at + 1]! << 8) | (memory[at + 2]! << 16) | (memory[at + 3]! << 24)) >>> 0;
}

function hasMagic(memory: Uint8Array, at: number, magic: readonly number[]): boolean {
  for (let i = 0; i < magic.length; i++) if (memory[at + i] !== magic[i]) return false;
  return true;
}

/**
 * The waiting agent's buffer in `memory` (guest physical memory), or undefined while there is
 * none ready: page 0 must say ready and every page 0..n-1 of its nonce must be present once.
 */
export function findAgentBuffer(memory: Uint8Array): AgentBuffer | undefined {
  const groups = new Map<number, { pages: number[]; count: number; ready: boolean; total: number }>();
  for (let at = 0; at + WARM_PAGE_BYTES <= memory.length; at += WARM_PAGE_BYTES) {
    if (memory[at] !== 0x7f || !hasMagic(memory, at, PAGE_MAGIC)) continue;
    const nonce = u32(memory, at + 8);
    const index = u32(memory, at + 12);
    const total = u32(memory, at + 16);
    let group = groups.get(nonce);
    if (!group) {
      group = { pages: [], count: 0, ready: false, total };
      groups.set(nonce, group);
    }
    if (total !== group.total || index >= total || group.pages[index] !== undefined) {
      group.total = -1; // inconsistent: not a buffer this protocol made
      continue;
    }
    group.pages[index] = at;
    group.count++;
    if (index === 0 && u32(memory, at + 20) === 1) group.ready = true;
  }
  for (const [nonce, group] of groups) {
    if (group.ready && group.total > 0 && group.count === group.total) return { pages: group.pages, nonce };
  }
  return undefined;
}

/** Whether `memory` still holds `buffer` as the agent left it waiting (a restored snapshot must). */
export function isAgentBufferWaiting(memory: Uint8Array, buffer: AgentBuffer): boolean {
  return buffer.pages.every((at, index) => at + WARM_PAGE_BYTES <= memory.length && hasMagic(memory, at, PAGE_MAGIC) && u32(memory, at + 8) === buffer.nonce && u32(memory, at + 12) === index);
}

/** One write into guest physical memory. */
export interface MemoryWrite {
  address: number;
  bytes: Uint8Array;
}

/**
 * The deliveries of `archive`: one per chunk that fits the buffer, each the writes that lay its
 * header (magic, archive length, the chunk's offset, the wall clock to set) and bytes across the
 * buffer's pages, adjacent pages joined. Before each delivery after the first, the host waits
 * until `receivedBytes` says the agent took the previous one (`offset`).
 */
export function warmDeliveries(buffer: AgentBuffer, archive: Uint8Array, wallClockMs: number): Array<{ offset: number; writes: MemoryWrite[] }> {
  const capacity = bufferCapacity(buffer);
  const deliveries: Array<{ offset: number; writes: MemoryWrite[] }> = [];
  let offset = 0;
  do {
    const chunk = archive.subarray(offset, Math.min(archive.length, offset + capacity));
    const payload = new Uint8Array(WARM_PAYLOAD_HEADER_BYTES + chunk.length);
    payload.set(PAYLOAD_MAGIC, 0);
    const view = new DataView(payload.buffer);
    view.setUint32(8, archive.length, true);
    view.setUint32(12, offset, true);
    const seconds = Math.floor(wallClockMs / 1000);
    view.setUint32(16, seconds % 2 ** 32, true);
    view.setUint32(20, Math.floor(seconds / 2 ** 32), true);
    view.setUint32(24, Math.floor((wallClockMs - seconds * 1000) * 1e6), true);
    payload.set(chunk, WARM_PAYLOAD_HEADER_BYTES);
    deliveries.push({ offset, writes: pageWrites(buffer, payload) });
    offset += chunk.length;
  } while (offset < archive.length);
  return deliveries;
}

/** How many archive bytes the agent says it has received (0 until it answers a chunk). */
export function receivedBytes(memory: Uint8Array, buffer: AgentBuffer): number {
  return u32(memory, buffer.pages[0]! + 28);
}

function pageWrites(buffer: AgentBuffer, payload: Uint8Array): MemoryWrite[] {
  const needed = Math.ceil(payload.length / WARM_PAGE_BYTES);
  const writes: MemoryWrite[] = [];
  let page = 0;
  while (page < needed) {
    const start = page;
    while (page + 1 < needed && buffer.pages[page + 1] === buffer.pages[page]! + WARM_PAGE_BYTES) page++;
    page++;
    writes.push({ address: buffer.pages[start]!, bytes: payload.subarray(start * WARM_PAGE_BYTES, Math.min(payload.length, page * WARM_PAGE_BYTES)) });
  }
  return writes;
}
