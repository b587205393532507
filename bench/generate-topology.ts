// Generates a large, valid topology of the shape the benchmark promises:
// `vhosts` vhosts × `queuesPerVhost` queues, two or more bindings per queue,
// dead-letter routing, TTLs, policies and a user per vhost. Written as block
// YAML, like hand-written files, so the parsers see realistic text.
export interface Shape {
  readonly vhosts: number;
  readonly queuesPerVhost: number;
  /** Half the queues quorum queues (the default), or every queue classic. */
  readonly quorum?: boolean;
}

export function generateTopology({ vhosts, queuesPerVhost, quorum = true }: Shape): string {
  const out: string[] = ['# yaml-language-server: $schema=../topology.schema.json', 'version: 1', 'vhosts:'];
  for (let v = 0; v < vhosts; v++) out.push(...vhostLines(`team-${v}`, queuesPerVhost, quorum));
  out.push('users:');
  for (let v = 0; v < vhosts; v++) {
    out.push(`  service-${v}:`, `    password: { secret: service${v}Password }`, '    permissions:');
    out.push(`      team-${v}: { configure: "^$", write: "^(events|commands)$", read: "^q-${v}-.*$" }`);
  }
  return `${out.join('\n')}\n`;
}

function vhostLines(name: string, queues: number, quorum: boolean): string[] {
  const lines = [`  ${name}:`, '    exchanges:'];
  lines.push('      events: { type: topic, alternateExchange: unrouted }', '      commands: { type: direct }');
  lines.push('      broadcast: { type: fanout }', '      unrouted: { type: fanout }', '      dlx: { type: direct }');
  lines.push('    queues:');
  const v = name.slice('team-'.length);
  for (let q = 0; q < queues; q++) {
    const queue = `q-${v}-${q}`;
    const fields: string[] = [];
    if (quorum && q % 2 === 0) fields.push('        type: quorum', '        deliveryLimit: 5');
    if (q % 3 === 0) fields.push('        messageTtl: 60s', '        maxLength: 100000');
    if (q % 5 === 0) fields.push('        overflow: reject-publish');
    // Quorum queues (q even) only: classic queues take no leader locator before RabbitMQ 4.
    if (quorum && q % 10 === 0) fields.push('        leaderLocator: balanced');
    if (q % 4 === 0) fields.push(`        deadLetter: { exchange: dlx, routingKey: ${queue}.dead }`);
    lines.push(fields.length > 0 ? `      ${queue}:` : `      ${queue}: {}`, ...fields);
  }
  lines.push('      parked: {}', '    bindings:');
  for (let q = 0; q < queues; q++) {
    const queue = `q-${v}-${q}`;
    lines.push(`      - { from: events, to: ${queue}, key: "domain.${q}.#" }`);
    lines.push(`      - { from: commands, to: ${queue}, key: ${queue} }`);
    if (q % 2 === 1) lines.push(`      - { from: broadcast, to: ${queue} }`);
    if (q % 4 === 0) lines.push(`      - { from: dlx, to: parked, key: ${queue}.dead }`);
  }
  lines.push('      - { from: unrouted, to: parked }');
  lines.push(
    '    policies:',
    '      cap:',
    '        pattern: "^q-"',
    '        applyTo: queues',
    '        definition: { max-length-bytes: 1000000000 }',
  );
  return lines;
}
