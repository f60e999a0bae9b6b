/**
 * Partition assignment by key, the way Event Hubs does it: Bob Jenkins' lookup3 `hashlittle2` over the
 * UTF-8 bytes of the key (both seeds 0), the two 32-bit outputs XORed and cut to a signed 16-bit
 * integer, then `|hash % partitionCount|`. The Azure SDKs' buffered producers compute the service's
 * mapping with exactly this function, so a device lands on the same partition id here and on an event
 * hub with the same partition count, and the Event Hubs adapter can keep checkpoints comparable.
 */

const rot = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

/** The signed 16-bit hash Event Hubs derives from a partition key (lookup3 hashlittle2, c ^ b). */
export function hashPartitionKey(key: string): number {
  const bytes = Buffer.from(key, "utf8");
  let length = bytes.length;
  // All arithmetic stays in int32 (`| 0`), as the C original does in uint32: only the low 32 bits matter.
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let i = 0;
  const word = (at: number): number => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  while (length > 12) {
    a = (a + word(i)) | 0;
    b = (b + word(i + 4)) | 0;
    c = (c + word(i + 8)) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    i += 12;
    length -= 12;
  }
  if (length > 0) {
    // The last 1-12 bytes fill a, b, c as little-endian words (missing high bytes are zero).
    const tail = [0, 0, 0];
    for (let j = 0; j < length; j++) tail[j >> 2]! += bytes[i + j]! << (8 * (j & 3));
    a = (a + tail[0]!) | 0;
    b = (b + tail[1]!) | 0;
    c = (c + tail[2]!) | 0;
    // final(a, b, c)
    c ^= b; c = (c - rot(b, 14)) | 0;
    a ^= c; a = (a - rot(c, 11)) | 0;
    b ^= a; b = (b - rot(a, 25)) | 0;
    c ^= b; c = (c - rot(b, 16)) | 0;
    a ^= c; a = (a - rot(c, 4)) | 0;
    b ^= a; b = (b - rot(a, 14)) | 0;
    c ^= b; c = (c - rot(b, 24)) | 0;
  }
  return ((c ^ b) << 16) >> 16;
}

/**
 * The partition id (`"0"` .. `String(partitionCount - 1)`) for a partition key; readings use their deviceId.
 * @throws RangeError when partitionCount is not an integer from 1 to 1024.
 */
export function partitionIdForKey(key: string, partitionCount: number): string {
  return String(partitionIndexForKey(key, partitionCount));
}

export function partitionIndexForKey(key: string, partitionCount: number): number {
  if (!Number.isInteger(partitionCount) || partitionCount < 1 || partitionCount > MAX_PARTITION_COUNT) {
    throw new RangeError(`Invalid partition count ${partitionCount}; expected an integer from 1 to ${MAX_PARTITION_COUNT}`);
  }
  return Math.abs(hashPartitionKey(key) % partitionCount);
}

/** Event Hubs allows up to 1024 partitions (dedicated tiers); so do we. */
export const MAX_PARTITION_COUNT = 1024;
