import assert from 'node:assert/strict';
import { MongoClient } from 'mongodb';
import { testDatabaseUri } from '../support/database.js';

/** What SQLite does for a lookup by `_id`, as FerretDB's explain reports it. */
async function planOf(client: MongoClient, collection: string): Promise<string> {
  const explained = await client.db().collection(collection).find({ _id: 'doc-7' as never }).explain();
  return JSON.stringify(explained.queryPlanner);
}

describe('the FerretDB launcher', () => {
  let client: MongoClient;
  before(async () => {
    client = new MongoClient(testDatabaseUri('id-index'));
    await client.connect();
  });
  after(async () => {
    await client.db().dropDatabase();
    await client.close();
  });

  it('gives every new collection an index that lookups by _id use', async function () {
    this.timeout(10_000);
    const docs = client.db().collection<{ _id: string; n: number }>('created_now');
    await docs.insertMany(Array.from({ length: 20 }, (_, n) => ({ _id: `doc-${n}`, n })));
    const deadline = Date.now() + 5000;
    let plan = await planOf(client, 'created_now');
    for (let n = 20; !/USING INDEX \S+__id_lookup/.test(plan) && Date.now() < deadline; n++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      // A write makes FerretDB's connection read the schema again; a new index is seen from then on.
      await docs.insertOne({ _id: `doc-${n}`, n });
      plan = await planOf(client, 'created_now');
    }
    assert.match(plan, /SEARCH \S+ USING INDEX \S+__id_lookup/, `the lookup still scans: ${plan}`);
    assert.deepEqual(await docs.findOne({ _id: 'doc-7' }), { _id: 'doc-7', n: 7 });
    // The extra index is the launcher's own: FerretDB lists only the indexes it was asked for.
    assert.deepEqual((await docs.listIndexes().toArray()).map((i) => i.name), ['_id_']);
  });
});
