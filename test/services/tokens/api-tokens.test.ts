import assert from 'node:assert/strict';
import { ApiToken } from '../../../src/models/api-token.js';
import { bearerTokenOf, createApiToken, createTokenVerifier, hashToken, listApiTokens, revokeApiToken } from '../../../src/services/tokens/api-tokens.js';
import { TokenError } from '../../../src/errors.js';
import { connectTestDatabase, dropTestDatabase } from '../../support/database.js';
import { silentLogger } from '../../support/fakes.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('API tokens of the ticket API', () => {
  before(() => connectTestDatabase('api-tokens'));
  after(() => dropTestDatabase());
  beforeEach(() => ApiToken.deleteMany({}));

  it('create: the token is shown once, only its SHA-256 is stored, names are unique', async () => {
    const { token } = await createApiToken('landbot');
    assert.match(token, /^inc_[A-Za-z0-9_-]{43}$/);
    const stored = await ApiToken.find({}).lean();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!._id, hashToken(token).toString('hex'));
    assert.ok(!JSON.stringify(stored).includes(token.slice(4)), 'the token itself is nowhere in the store');
    await assert.rejects(createApiToken('landbot'), (e: unknown) => e instanceof TokenError && e.code === 'token_name_taken');
    await assert.rejects(createApiToken('has space'), /token name/);
  });

  it('use: a valid Bearer token names its owner and records its last use, at most once a minute', async () => {
    const { token } = await createApiToken('landbot');
    let clock = Date.parse('2026-03-01T10:00:00Z');
    const verifier = createTokenVerifier({ logger: silentLogger(), now: () => clock });
    assert.deepEqual(await verifier.verify(`Bearer ${token}`), { name: 'landbot' });
    assert.deepEqual(await verifier.verify(`bearer   ${token} `), { name: 'landbot' }, 'scheme case and spaces as DRF');
    const lastUse = async () => {
      for (let i = 0; i < 50; i++) {
        const t = (await ApiToken.findOne({ name: 'landbot' }).lean())?.lastUsedAt;
        if (t) return t.getTime();
        await new Promise((r) => setTimeout(r, 10));
      }
      return null;
    };
    assert.equal(await lastUse(), clock);
    clock += 30_000;
    await verifier.verify(`Bearer ${token}`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await lastUse(), clock - 30_000, 'not written again within the minute');
    clock += 31_000;
    await verifier.verify(`Bearer ${token}`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await lastUse(), clock);
  });

  it('missing, malformed, unknown, altered and revoked tokens are refused', async () => {
    const { token } = await createApiToken('landbot');
    const verifier = createTokenVerifier({ logger: silentLogger() });
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    for (const header of [undefined, '', token, `Basic ${token}`, `Bearer ${token.slice(0, -1)}${last}`, `Bearer ${token}x`, 'Bearer inc_unknown']) {
      assert.equal(await verifier.verify(header), null, String(header));
    }
    await revokeApiToken('landbot');
    assert.equal(await verifier.verify(`Bearer ${token}`), null, 'revoked: refused at once');
    await assert.rejects(revokeApiToken('landbot'), (e: unknown) => e instanceof TokenError && e.code === 'token_not_found');
  });

  it('list: names, creation and last use, without the tokens', async () => {
    await createApiToken('b-bot', new Date('2026-01-02T00:00:00Z'));
    const { token } = await createApiToken('a-bot', new Date('2026-01-01T00:00:00Z'));
    await ApiToken.updateOne({ _id: hashToken(token).toString('hex') }, { $set: { lastUsedAt: new Date('2026-01-03T00:00:00Z') } });
    assert.deepEqual(await listApiTokens(), [
      { name: 'a-bot', createdAt: new Date('2026-01-01T00:00:00Z'), lastUsedAt: new Date('2026-01-03T00:00:00Z') },
      { name: 'b-bot', createdAt: new Date('2026-01-02T00:00:00Z'), lastUsedAt: null },
    ]);
  });

  it('answers an unknown token in about the time of a known one (same lookup, constant-time comparison)', async () => {
    const { token } = await createApiToken('landbot');
    const verifier = createTokenVerifier({ logger: silentLogger(), touchEveryMs: Number.MAX_SAFE_INTEGER });
    const near = `${token.slice(0, -1)}${token.at(-1) === 'A' ? 'B' : 'A'}`;
    const time = async (header: string) => {
      const t0 = process.hrtime.bigint();
      await verifier.verify(header);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 60; i++) {
      known.push(await time(`Bearer ${token}`));
      unknown.push(await time(`Bearer ${near}`));
    }
    // Both are one `_id` read of the hash; a shared machine adds noise, so only a gross difference would fail.
    const [k, u] = [median(known), median(unknown)];
    assert.ok(Math.abs(k - u) < Math.max(2, 0.5 * Math.max(k, u)), `known ${k.toFixed(2)} ms vs unknown ${u.toFixed(2)} ms`);
  });

  it('reads the token of an Authorization header', () => {
    assert.equal(bearerTokenOf('Bearer abc'), 'abc');
    assert.equal(bearerTokenOf('Bearer a b'), null);
    assert.equal(bearerTokenOf(['Bearer abc']), null);
  });
});
