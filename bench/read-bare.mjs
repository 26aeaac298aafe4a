#!/usr/bin/env node
/**
 * The limit (issue 6): a bare JavaScript loop over the pcap records, touching a few header bytes
 * of each (classic little-endian pcap only). No decoding, no flow table.
 * Prints {"packets": N, "sum": …} on stderr (the sum keeps the loop from being optimised away).
 */
import { openSync, readSync, closeSync } from 'node:fs';

const fd = openSync(process.argv[2], 'r');
const CHUNK = 4 << 20;
let buf = Buffer.allocUnsafe(CHUNK + 262144 + 16);
if (readSync(fd, buf, 0, 24, 0) < 24 || buf.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('read-bare: expects a little-endian microsecond pcap');
let pos = 24;
let start = 0;
let end = 0;
let packets = 0;
let sum = 0;
for (;;) {
  // move the partial record to the front, read more
  buf.copy(buf, 0, start, end);
  end -= start;
  start = 0;
  const n = readSync(fd, buf, end, CHUNK, pos);
  if (n === 0) break;
  pos += n;
  end += n;
  while (end - start >= 16) {
    const cap = buf.readUInt32LE(start + 8);
    if (end - start < 16 + cap) break;
    // touch the EtherType, IP protocol and TCP flags bytes
    sum += buf[start + 16 + 12] + buf[start + 16 + 23] + buf[start + 16 + 47];
    packets++;
    start += 16 + cap;
  }
}
closeSync(fd);
process.stderr.write(JSON.stringify({ packets, sum }) + '\n');
