/** Where the tcpdump corpus lives and which tshark fields corpus-tshark.tsv holds (see corpus-regen.test.ts). */
export const CORPUS = '../shared/corpus/tcpdump';
export const CORPUS_FIELDS = [
  'frame.number', 'frame.len', 'frame.cap_len', 'frame.protocols', '_ws.malformed',
  'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'tcp.len',
  'tcp.options.mss_val', 'tcp.options.wscale.shift',
  'udp.srcport', 'udp.dstport', 'icmp.type', 'icmpv6.type',
];
