import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('plays a P1 from declaration to closing and a ticket from the ticket API against the emulators, and prints what Slack and Jira received', async function () {
    this.timeout(120_000);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], { timeout: 110_000, maxBuffer: 4 * 1024 * 1024 });
    const lines = stdout.split('\n');
    const has = (pattern: RegExp) => assert.ok(lines.some((l) => pattern.test(l)), `the transcript shows ${pattern}:\n${stdout}`);
    has(/Slack {2}conversations\.create #inc-1-prd-/);
    has(/Jira {3}POST \/issue -> 201 .*"Checkout returns 500 for everyone"/);
    has(/Jira -> app webhook jira:issue_updated: answered 200/);
    has(/updated from Jira: Priority: .*P1 → .*P2/);
    has(/Post-mortem of incident #1: INCIDENT-1/);
    has(/Slack {2}conversations\.archive #inc-1-prd-/);
    has(/^Incident #1 is CLOSED; Jira INC-1 is "Closed"; post-mortem INCIDENT-1\.$/);
    has(/^ {4}-> 201 \{"id":"[^"]+","key":"[A-Z]+-\d+"/);
    has(/Slack {2}chat\.postMessage #raid-alert-incidents-normal: .*[A-Z]+-\d+/);
    has(/^The ticket API made [A-Z]+-\d+ \(Incident, priority 4\)\.$/);
    assert.ok(!/answered (undefined|5\d\d)/.test(stdout), 'every webhook was answered');
  });
});
