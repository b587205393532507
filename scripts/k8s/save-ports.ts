// DIR/ports.env: the ports up picked, NAME=port per line, for people and
// scripts (`. DIR/ports.env`) and for status, which reads the API server's.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, type Ports, portOf } from './cluster.js';
import { fail } from './log.js';

export const PORT_NAMES = ['ETCD_PORT', 'ETCD_PEER_PORT', 'APISERVER_PORT', 'KCM_PORT', 'SCHEDULER_PORT'] as const;

export const portsFile = (dir: string) => join(dir, 'ports.env');

export function renderPorts(ports: Ports): string {
  return PORT_NAMES.map((name) => `${name}=${ports[name]}\n`).join('');
}

export function writePorts(cluster: Cluster): void {
  const ports = Object.fromEntries(PORT_NAMES.map((name) => [name, portOf(cluster, name)])) as unknown as Ports;
  writeFileSync(portsFile(cluster.dir), renderPorts(ports));
}

/** The ports of `text` (the file's content); anything but the five NAME=port lines stops, naming the line. */
export function parsePorts(text: string, file: string): Ports {
  const ports: Partial<Ports> = {};
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([A-Z_]+)=([1-9][0-9]{0,4})$/.exec(line);
    const name = m?.[1] as (typeof PORT_NAMES)[number] | undefined;
    if (!m || !name || !PORT_NAMES.includes(name) || Number(m[2]) > 65535)
      fail(`${file} line ${i + 1} is not NAME=port with NAME one of ${PORT_NAMES.join(', ')}: ${JSON.stringify(line)}`);
    ports[name] = Number(m[2]);
  });
  const missing = PORT_NAMES.filter((name) => ports[name] === undefined);
  if (missing.length > 0) fail(`${file} lacks ${missing.join(', ')}`);
  return ports as Ports;
}

export function readPorts(dir: string): Ports {
  const file = portsFile(dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parsePorts(text, file);
}
