import assert from 'node:assert/strict';
import { emailDomain } from '../../../src/services/alerts/email-domain.js';
import { PayloadError } from '../../../src/errors.js';

describe('emailDomain', () => {
  it('follows the examples of get_domain_from_email', () => {
    assert.equal(emailDomain('john.doe@example.com'), 'example.com');
    assert.equal(emailDomain('alice.bob@test.example.ORG'), 'example.org');
    assert.equal(emailDomain('webmaster@localhost'), 'localhost');
  });

  it('refuses malformed emails, naming the field', () => {
    for (const bad of ['no-at-sign', '@example.com', 'a@', 'a@exa mple.com', 'a@example..com', 'a@b@example.com']) {
      assert.throws(() => emailDomain(bad, 'reporter_email'), (e: unknown) => e instanceof PayloadError && e.fields.includes('reporter_email'), bad);
    }
  });
});
