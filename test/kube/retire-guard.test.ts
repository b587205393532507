// The retire guard's question against a stand-in management API: a side that looks empty is asked again one
// statistics interval later (a consumer that connected just before is listed only then), and one that holds
// something is refused at once.
import { describe, expect, it } from 'vitest';
import { leftOnSide } from '../../src/pulumi/kubernetes/retire-guard.js';
import { standInApi } from '../support/stand-in-api.js';

/** What the stand-in lists: nothing until `listedAfter` requests, then one client consuming from shop/orders. */
let listedAfter = 0;
const asked: { path: string; at: number }[] = [];
const api = standInApi((req, res) => {
  asked.push({ path: String(req.url), at: Date.now() });
  const listed = asked.length > listedAfter;
  const body = req.url?.startsWith('/api/consumers')
    ? listed
      ? [
          {
            queue: { vhost: 'shop', name: 'orders' },
            channel_details: { connection_name: '10.0.0.1:1 -> 10.0.0.2:5672' },
          },
        ]
      : []
    : req.url?.startsWith('/api/connections')
      ? listed
        ? [{ name: '10.0.0.1:1 -> 10.0.0.2:5672', type: 'network' }]
        : []
      : [];
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
});
const conn = () => ({ url: api.url, username: 'admin', password: 'pw' });

describe('leftOnSide', () => {
  it('asks again one statistics interval after a side looked empty, and sees who connected meanwhile', async () => {
    asked.length = 0;
    listedAfter = 3;
    const started = Date.now();
    const left = await leftOnSide(conn(), 'mq/rabbitmq (blue)', 1000);
    expect(left).toEqual([
      'mq/rabbitmq (blue) is not removed: 1 client consumer(s) still read from it: shop/orders. Point them at the client Service; run up again once they are gone',
    ]);
    expect(asked).toHaveLength(6);
    expect(asked[3]!.at - started).toBeGreaterThanOrEqual(1000);
  });

  it('refuses at once what the first answer holds; passes a side empty twice', async () => {
    asked.length = 0;
    listedAfter = 0;
    expect(await leftOnSide(conn(), 'mq/rabbitmq (blue)', 60_000)).toHaveLength(1);
    expect(asked).toHaveLength(3);
    asked.length = 0;
    listedAfter = 100;
    expect(await leftOnSide(conn(), 'mq/rabbitmq (blue)', 10)).toEqual([]);
    expect(asked).toHaveLength(6);
  });
});
