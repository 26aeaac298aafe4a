#!/usr/bin/env node
/**
 * synfin read + decode (2): openCapture + Decoder over every record (dist/ build), the same loop
 * as src/pipeline.ts without the flow tracker. Prints {"packets": N, "tcp": …} on stderr.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { openCapture } = await import(resolve(root, 'dist/capture/open.js'));
const { Decoder } = await import(resolve(root, 'dist/decode/decoder.js'));
const { Packet } = await import(resolve(root, 'dist/decode/packet.js'));

const reader = await openCapture(process.argv[2]);
const dec = new Decoder();
const pkt = new Packet();
let packets = 0;
let tcp = 0;
let payload = 0;
for (;;) {
  const r = reader.next();
  if (r === null) {
    if (!(await reader.fill())) break;
    continue;
  }
  dec.decode(r, pkt);
  packets++;
  if (pkt.kind === 4) tcp++;
  payload += pkt.payloadLen;
}
await reader.close();
if (reader.info.error) process.stderr.write(`${reader.info.error.message}\n`);
process.stderr.write(JSON.stringify({ packets, tcp, payload }) + '\n');
