/**
 * Zeek keeps analysing a connection after both FINs (its ConnSize and history go on until the
 * connection is removed, tcp_close_delay = 5 s after the close): a RST that follows the close adds
 * its letter. synfin drops the sequence analysis of a connection waiting out TIME_WAIT, but Zeek's
 * view must stay live.
 *
 * Hand-worked from zeek-conn.md "(b) history — The letters": S (client SYN), h (server SYN+ACK),
 * A (client pure ACK), F (client FIN,ACK), a (server pure ACK), f (server FIN,ACK); the client's last
 * ACK adds nothing (A once per side); the client's RST one second later (ACK clear, only RST of
 * SYN/FIN/RST set) adds R. Zeek counts every packet in orig_pkts/resp_pkts (ConnSize): 5 and 3.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/pipeline.js';
import { Conversation } from '../../src/synth/conversation.js';

describe('Zeek history after the connection closed', () => {
  it('a RST after the FIN exchange adds R (ShAFafR), and its packet is counted', async () => {
    const c = new Conversation();
    c.syn().synAck().ack().fin('client').ack('server').fin('server').ack('client').rst('client', { after: 1 });
    const file = join(mkdtempSync(join(tmpdir(), 'synfin-zeek-')), 'rst-after-close.pcap');
    writeFileSync(file, c.pcap());
    const { records } = await analyze(file);
    expect(records).toHaveLength(1);
    expect(records[0].zeek.history).toBe('ShAFafR');
    expect(records[0].zeek.orig_pkts).toBe(5);
    expect(records[0].zeek.resp_pkts).toBe(3);
  });
});
