import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from './logger.js';

/**
 * Bolt and the Slack SDK log through our winston logger, with its masking. A line below the configured level is
 * dropped before it is formatted: Bolt logs whole envelopes at debug, and masking them costs time on every ack.
 */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    if (logger.isLevelEnabled(level)) child[level](text(args));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // The level is winston's (LOG_LEVEL); Bolt's setLevel is ignored so the two cannot disagree.
    setLevel: () => {},
    getLevel: () => (logger.isLevelEnabled('debug') ? LogLevel.DEBUG : logger.isLevelEnabled('info') ? LogLevel.INFO : logger.isLevelEnabled('warn') ? LogLevel.WARN : LogLevel.ERROR),
    setName: () => {},
  };
}
