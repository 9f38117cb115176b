/**
 * Timestamps of each Socket Mode envelope on its way, to split an ack time into:
 *   inbound  = the emulator hands the envelope to its socket → the app has read and decoded the frame;
 *   handling = frame read → the app hands its ack frame to its socket (parsing, Bolt, the listener up to `ack()`);
 *   outbound = ack handed to the socket → the emulator reads it (ackMs − the two above). The emulator shares the
 *              event loop, so this includes whatever the app runs synchronously right after `ack()`.
 * The emulator's sends are seen by wrapping `WebSocket.prototype.send` of the `ws` package (the emulator's server
 * side). The apps' Socket Mode client (undici's WebSocket) is seen through its own debug lines
 * "Received a message on the WebSocket: {…}" and "Sending a WebSocket message: {…}", logged right after reading a
 * frame and right before writing the ack (undici writes it to the socket at once, corked, within that call).
 */
import { performance } from 'node:perf_hooks';
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { WebSocket } from 'ws';

export interface EnvelopeTimes {
  /** performance.now() when the emulator handed the envelope to its socket. */
  sent?: number;
  /** performance.now() when the app logged the incoming frame (read and decoded). */
  received?: number;
  /** performance.now() when the app was about to hand its ack frame to its socket. */
  ackSent?: number;
}

const RECEIVED = 'Received a message on the WebSocket: ';
const SENDING = 'Sending a WebSocket message: ';
const ENVELOPE_ID = /^\{"envelope_id":"([^"]+)"/;

export class AckTrace {
  readonly times = new Map<string, EnvelopeTimes>();

  private entry(id: string): EnvelopeTimes {
    let t = this.times.get(id);
    if (!t) {
      t = {};
      this.times.set(id, t);
    }
    return t;
  }

  /** Wraps ws's send once for the life of the process (only the emulators use ws). */
  install(): void {
    const proto = WebSocket.prototype as unknown as { send: (data: unknown, ...rest: unknown[]) => void; __benchTrace?: boolean };
    if (proto.__benchTrace) return;
    const original = proto.send;
    const onSend = (data: unknown) => {
      if (typeof data !== 'string') return;
      const id = ENVELOPE_ID.exec(data.slice(0, 80))?.[1];
      if (!id) return;
      this.entry(id).sent ??= performance.now();
    };
    proto.send = function send(this: unknown, data: unknown, ...rest: unknown[]) {
      onSend(data);
      return original.call(this, data, ...rest);
    };
    proto.__benchTrace = true;
  }

  /** Looks at one log line of an app; cheap for lines that are not about frames. */
  observe(message: unknown): void {
    if (typeof message !== 'string') return;
    const prefix = message.startsWith(RECEIVED) ? RECEIVED : message.startsWith(SENDING) ? SENDING : null;
    if (!prefix) return;
    const now = performance.now();
    const id = ENVELOPE_ID.exec(message.slice(prefix.length, prefix.length + 80))?.[1];
    if (!id) return;
    const t = this.entry(id);
    if (prefix === RECEIVED) t.received ??= now;
    else t.ackSent ??= now;
  }

  /** A Slack logger that only notes the frame lines (for the bare app; it prints nothing below errors). */
  slackLogger(): SlackLogger {
    let level: LogLevel = LogLevel.ERROR;
    return {
      debug: (...args: unknown[]) => this.observe(args[0]),
      info: () => undefined,
      warn: () => undefined,
      error: (...args: unknown[]) => process.stderr.write(`[bare app] ${args.map(String).join(' ')}\n`),
      setLevel: (l: LogLevel) => {
        level = l;
      },
      getLevel: () => level,
      setName: () => undefined,
    };
  }
}
