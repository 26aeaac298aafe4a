#!/usr/bin/env node
/**
 * Baseline (1): pcap-parser, the usual npm pcap reader, reading every record (no decoding).
 * Prints {"packets": N} on stderr.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pcapp = require('pcap-parser');
const parser = pcapp.parse(process.argv[2]);
let packets = 0;
let bytes = 0;
parser.on('packet', (p) => {
  packets++;
  bytes += p.header.capturedLength;
});
parser.on('end', () => process.stderr.write(JSON.stringify({ packets, bytes }) + '\n'));
parser.on('error', (e) => {
  process.stderr.write(`pcap-parser: ${e.message}\n`);
  process.exitCode = 1;
});
