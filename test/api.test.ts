/**
 * The library as users import it: `import { analyze } from 'synfin'` (the package's own name, resolved
 * through package.json "exports" to the built dist/ — `npm test` builds first).
 *
 * Expected values: `tshark -r fixtures/demo.pcapng -q -z conv,tcp` (Wireshark 4.0.17) lists these 9 TCP
 * conversations with these frame counts (client→server "->" column, server→client "<-" column), and
 * `capinfos -c` counts 100 packets.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from 'synfin';

const TSHARK_CONV: Array<[string, number, number]> = [
  // client port, frames client→server, frames server→client
  ['10.99.1.2:34224', 14, 14],
  ['10.99.1.2:52654', 8, 6],
  ['10.99.1.2:33368', 7, 7],
  ['10.99.1.2:45334', 5, 4],
  ['10.99.1.2:45350', 5, 4],
  ['10.99.1.2:45354', 5, 4],
  ['10.99.1.2:48098', 5, 3],
  ['fd00:99:1::2:47986', 4, 3],
  ['10.99.1.2:40026', 1, 1],
];

describe("import { analyze } from 'synfin'", () => {
  it('gives one record per TCP conversation tshark lists, with its frame counts each way', async () => {
    const res = await analyze('fixtures/demo.pcapng');
    expect(res.captures[0].packets).toBe(100);
    const tcp = res.records.filter((r) => r.proto === 'tcp');
    const got = tcp.map((r) => [`${r.client.ip}:${r.client.port}`, r.packets.client, r.packets.server]);
    expect(got.sort()).toEqual([...TSHARK_CONV].sort());
    // ids are 1-based in order of first packet: tshark's "Relative start" puts the IPv6 one first
    expect(tcp.find((r) => r.id === 1)?.client.ip).toBe('fd00:99:1::2');
  });
});
