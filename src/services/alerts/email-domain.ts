import { PayloadError } from '../../errors.js';

/**
 * The registrable part of an email's domain, lower-cased: `alice@test.example.ORG` -> `example.org`,
 * `webmaster@localhost` -> `localhost`. Like FireFighter, subdomains are dropped by keeping the last two labels.
 */
export function emailDomain(email: string, field = 'email'): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  // Exactly one @, as FireFighter's get_domain_from_email requires.
  if (at <= 0 || email.indexOf('@') !== at || !local || !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(domain) || domain.split('.').some((l) => l.length === 0)) {
    throw new PayloadError(`${field} is not a well-formed email address`, [field]);
  }
  return domain.split('.').slice(-2).join('.');
}
