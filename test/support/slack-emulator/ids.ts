import { randomBytes, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomChars(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Slack-looking identifiers and timestamps for one emulator instance. */
export class IdFactory {
  private seq = 0;
  private lastSec = 0;
  private lastMicro = 0;
  /** Two random characters per instance so ids from two emulators in one process never clash. */
  private readonly salt = randomChars(ALNUM, 2);

  constructor(private readonly now: () => number) {}

  /** `C`, `D`, `U`, `V`, `B`, `A`… followed by 10 upper-case alphanumerics, like Slack's ids. */
  id(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.salt}${this.seq.toString(36).toUpperCase().padStart(8, '0')}`;
  }

  /** Message timestamp `'<unix seconds>.<6 digits>'`, strictly increasing across the instance. */
  ts(): string {
    const sec = Math.max(Math.floor(this.now() / 1000), this.lastSec);
    if (sec === this.lastSec) {
      this.lastMicro += 100;
      if (this.lastMicro > 999_999) {
        this.lastSec += 1;
        this.lastMicro = 100;
      }
    } else {
      this.lastSec = sec;
      this.lastMicro = 100;
    }
    return `${this.lastSec}.${String(this.lastMicro).padStart(6, '0')}`;
  }

  /** `action_ts`-style value with microseconds from the clock. */
  actionTs(): string {
    const ms = this.now();
    return `${Math.floor(ms / 1000)}.${String((ms % 1000) * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0')}`;
  }

  /** Format Slack documents for trigger ids: `"132456.7890123.abcdef"`. */
  triggerId(): string {
    this.seq += 1;
    return `${Math.floor(this.now())}${this.seq}.${1000000 + this.seq}.${randomBytes(16).toString('hex')}`;
  }

  /** View hash like `1596530361.3wRYuk3R`. */
  viewHash(): string {
    return `${Math.floor(this.now() / 1000)}.${randomChars(BASE62, 8)}`;
  }

  /** Short random id like the ones Slack assigns to blocks and elements without one (`hspI`, `maBWU`). */
  shortId(): string {
    return randomChars(BASE62, 5);
  }

  uuid(): string {
    return randomUUID();
  }

  eventId(): string {
    return `Ev${randomChars(ALNUM, 10)}`;
  }
}
