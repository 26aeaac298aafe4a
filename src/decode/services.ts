/**
 * Well-known ports → service names (IANA Service Name and Transport Protocol Port Number Registry,
 * the names as /etc/services spells them where it has them; "http-alt" style names for common
 * unofficial ports). Used to name a connection's service and to guess which side is the server.
 *
 * Lookups are array reads: the tables are built once at load time, indexed by port number, holding
 * an index into SERVICE_NAMES (so the per-packet counter counts into a numeric array).
 */

/** [port, name, protocols] — 't' TCP, 'u' UDP, 'tu' both. */
const TABLE: ReadonlyArray<readonly [number, string, 't' | 'u' | 'tu']> = [
  [20, 'ftp-data', 't'],
  [21, 'ftp', 't'],
  [22, 'ssh', 't'],
  [23, 'telnet', 't'],
  [25, 'smtp', 't'],
  [53, 'dns', 'tu'],
  [67, 'dhcp', 'u'],
  [68, 'dhcp', 'u'],
  [69, 'tftp', 'u'],
  [80, 'http', 't'],
  [88, 'kerberos', 'tu'],
  [110, 'pop3', 't'],
  [111, 'sunrpc', 'tu'],
  [119, 'nntp', 't'],
  [123, 'ntp', 'u'],
  [135, 'msrpc', 't'],
  [137, 'netbios-ns', 'u'],
  [138, 'netbios-dgm', 'u'],
  [139, 'netbios-ssn', 't'],
  [143, 'imap', 't'],
  [161, 'snmp', 'u'],
  [162, 'snmp-trap', 'u'],
  [179, 'bgp', 't'],
  [389, 'ldap', 'tu'],
  [443, 'https', 't'],
  [443, 'quic', 'u'],
  [445, 'smb', 't'],
  [465, 'smtps', 't'],
  [500, 'isakmp', 'u'],
  [514, 'syslog', 'u'],
  [546, 'dhcpv6', 'u'],
  [547, 'dhcpv6', 'u'],
  [554, 'rtsp', 't'],
  [587, 'submission', 't'],
  [631, 'ipp', 't'],
  [636, 'ldaps', 't'],
  [853, 'dns-over-tls', 't'],
  [873, 'rsync', 't'],
  [989, 'ftps-data', 't'],
  [990, 'ftps', 't'],
  [993, 'imaps', 't'],
  [995, 'pop3s', 't'],
  [1080, 'socks', 't'],
  [1194, 'openvpn', 'tu'],
  [1433, 'mssql', 't'],
  [1521, 'oracle', 't'],
  [1701, 'l2tp', 'u'],
  [1723, 'pptp', 't'],
  [1812, 'radius', 'u'],
  [1813, 'radius-acct', 'u'],
  [1883, 'mqtt', 't'],
  [2049, 'nfs', 'tu'],
  [2181, 'zookeeper', 't'],
  [2379, 'etcd', 't'],
  [3128, 'http-proxy', 't'],
  [3306, 'mysql', 't'],
  [3389, 'rdp', 't'],
  [3478, 'stun', 'u'],
  [4500, 'ipsec-nat-t', 'u'],
  [4789, 'vxlan', 'u'],
  [5060, 'sip', 'tu'],
  [5061, 'sips', 't'],
  [5222, 'xmpp', 't'],
  [5353, 'mdns', 'u'],
  [5355, 'llmnr', 'u'],
  [5432, 'postgresql', 't'],
  [5671, 'amqps', 't'],
  [5672, 'amqp', 't'],
  [5900, 'vnc', 't'],
  [6081, 'geneve', 'u'],
  [6379, 'redis', 't'],
  [6443, 'kubernetes-api', 't'],
  [6667, 'irc', 't'],
  [8080, 'http-alt', 't'],
  [8443, 'https-alt', 't'],
  [9042, 'cassandra', 't'],
  [9092, 'kafka', 't'],
  [9200, 'elasticsearch', 't'],
  [11211, 'memcached', 'tu'],
  [27017, 'mongodb', 't'],
];

/** Distinct service names; index 0 is unused (no service). */
export const SERVICE_NAMES: readonly string[] = (() => {
  const names = [''];
  for (const [, n] of TABLE) if (!names.includes(n)) names.push(n);
  return names;
})();

/** Port → index into SERVICE_NAMES (0 = none), per protocol. */
export const TCP_SERVICE = new Uint8Array(65536);
export const UDP_SERVICE = new Uint8Array(65536);
for (const [port, name, protos] of TABLE) {
  const i = SERVICE_NAMES.indexOf(name);
  if (protos.includes('t')) TCP_SERVICE[port] = i;
  if (protos.includes('u')) UDP_SERVICE[port] = i;
}

/** Service name of a well-known port, or null. */
export function serviceForPort(proto: 'tcp' | 'udp', port: number): string | null {
  if (!(port >= 0 && port < 65536)) return null;
  const i = (proto === 'tcp' ? TCP_SERVICE : UDP_SERVICE)[port | 0];
  return i === 0 ? null : SERVICE_NAMES[i];
}

/**
 * Whether a port looks like a server's: a service in the table above, or a system port (< 1024,
 * RFC 6335 §6). Used when the client cannot be told from a SYN.
 */
export function isWellKnownServerPort(proto: 'tcp' | 'udp', port: number): boolean {
  if (!(port > 0 && port < 65536)) return false;
  return port < 1024 || (proto === 'tcp' ? TCP_SERVICE : UDP_SERVICE)[port | 0] !== 0;
}

/**
 * The service a TCP/UDP packet's ports suggest, as an index into SERVICE_NAMES (0 = none): when both
 * ports name one, the lower port's (servers sit on the lower, well-known port: a DNS reply 53→5353 is
 * DNS, not mDNS), else whichever port names one. The same answer for both directions. No allocation.
 */
export function serviceIndex(tcp: boolean, srcPort: number, dstPort: number): number {
  const t = tcp ? TCP_SERVICE : UDP_SERVICE;
  const d = t[dstPort & 0xffff];
  const s = t[srcPort & 0xffff];
  if (d !== 0 && s !== 0) return (dstPort & 0xffff) <= (srcPort & 0xffff) ? d : s;
  return d !== 0 ? d : s;
}
