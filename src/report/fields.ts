/**
 * The flat field names of a flow record: what `--where`, `--sort` and the CSV header use.
 * Names follow the JSON paths of the NDJSON contract (`retransmissions.client`, `state.server`),
 * plus a few totals and short aliases.
 */
import type { FlowRecord } from '../flow/types.js';

export type FieldValue = number | string | boolean | null;

export interface FieldDef {
  name: string;
  kind: 'number' | 'string' | 'boolean';
  get: (r: FlowRecord) => FieldValue;
  /** Listed in CSV output (aliases and totals are not). */
  csv: boolean;
  help?: string;
}

const zw = (r: FlowRecord, side: 'client' | 'server'): number => r.analysis?.[side].zeroWindowSeconds ?? 0;

function def(name: string, kind: FieldDef['kind'], get: FieldDef['get'], csv = true, help?: string): FieldDef {
  return { name, kind, get, csv, help };
}

export const FIELDS: readonly FieldDef[] = [
  def('id', 'number', (r) => r.id),
  def('proto', 'string', (r) => r.proto),
  def('client.ip', 'string', (r) => r.client.ip),
  def('client.port', 'number', (r) => r.client.port),
  def('server.ip', 'string', (r) => r.server.ip),
  def('server.port', 'number', (r) => r.server.port),
  def('vlan', 'string', (r) => (r.vlan && r.vlan.length ? r.vlan.join('.') : null)),
  def('directionInferred', 'boolean', (r) => r.directionInferred),
  def('start', 'string', (r) => r.start),
  def('end', 'string', (r) => r.end),
  def('duration', 'number', (r) => r.duration, true, 'seconds'),
  def('state.client', 'string', (r) => r.state.client),
  def('state.server', 'string', (r) => r.state.server),
  def('stateSeconds.client', 'number', (r) => r.stateSeconds.client),
  def('stateSeconds.server', 'number', (r) => r.stateSeconds.server),
  def('teardown', 'string', (r) => r.teardown),
  def('zeek.conn_state', 'string', (r) => r.zeek.conn_state),
  def('zeek.history', 'string', (r) => r.zeek.history),
  def('handshake.complete', 'boolean', (r) => (r.handshake ? r.handshake.complete : null)),
  def('handshake.rttMs', 'number', (r) => r.handshake?.rttMs ?? null),
  def('packets.client', 'number', (r) => r.packets.client),
  def('packets.server', 'number', (r) => r.packets.server),
  def('bytes.client', 'number', (r) => r.bytes.client),
  def('bytes.server', 'number', (r) => r.bytes.server),
  def('ipBytes.client', 'number', (r) => r.ipBytes.client),
  def('ipBytes.server', 'number', (r) => r.ipBytes.server),
  def('retransmissions.client', 'number', (r) => r.retransmissions.client),
  def('retransmissions.server', 'number', (r) => r.retransmissions.server),
  def('zeroWindowSeconds.client', 'number', (r) => zw(r, 'client'), true, 'time the client advertised a zero window'),
  def('zeroWindowSeconds.server', 'number', (r) => zw(r, 'server')),
  def('service', 'string', (r) => r.service),
  def('portReuse', 'boolean', (r) => r.portReuse),
  def('icmpRejected', 'boolean', (r) => r.icmpRejected),
  // Totals and aliases (not CSV columns).
  def('packets', 'number', (r) => r.packets.client + r.packets.server, false, 'both directions'),
  def('bytes', 'number', (r) => r.bytes.client + r.bytes.server, false, 'both directions'),
  def('ipBytes', 'number', (r) => r.ipBytes.client + r.ipBytes.server, false, 'both directions'),
  def('retransmissions', 'number', (r) => r.retransmissions.client + r.retransmissions.server, false),
  def('zeroWindowSeconds', 'number', (r) => zw(r, 'client') + zw(r, 'server'), false),
  def('rtt', 'number', (r) => r.handshake?.rttMs ?? null, false, 'alias of handshake.rttMs (ms)'),
  def('conn_state', 'string', (r) => r.zeek.conn_state, false, 'alias of zeek.conn_state'),
  def('history', 'string', (r) => r.zeek.history, false, 'alias of zeek.history'),
  def('client', 'string', (r) => `${r.client.ip}:${r.client.port}`, false),
  def('server', 'string', (r) => `${r.server.ip}:${r.server.port}`, false),
];

const BY_NAME = new Map(FIELDS.map((f) => [f.name.toLowerCase(), f]));

export function fieldByName(name: string): FieldDef | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export const FIELD_NAMES: readonly string[] = FIELDS.map((f) => f.name);
