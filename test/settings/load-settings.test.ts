import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSettings, parseSettings } from '../../src/settings/load-settings.js';
import { ConfigError } from '../../src/errors.js';

describe('loadSettings', () => {
  const defaults = JSON.parse(readFileSync('config/settings.json', 'utf8'));

  it('accepts the shipped default settings', () => {
    const settings = loadSettings('config/settings.json');
    assert.equal(settings.priorities.length, 5);
    assert.ok(settings.roleTypes.some((r) => r.value === 'commander'));
  });

  it('names the field that is wrong', () => {
    const broken = structuredClone(defaults);
    broken.priorities[1].emoji = '';
    broken.jira.fields.priority = 'priority_field';
    assert.throws(
      () => parseSettings(broken, 'test.json'),
      (e: unknown) => e instanceof ConfigError && /priorities\[1\]\.emoji/.test(e.message) && /jira\.fields\.priority: must look like customfield_12345/.test(e.message),
    );
  });

  it('refuses a level that points at an undefined priority, and a missing commander role', () => {
    const broken = structuredClone(defaults);
    broken.priorities = broken.priorities.slice(0, 3);
    broken.roleTypes = broken.roleTypes.filter((r: { value: string }) => r.value !== 'commander');
    assert.throws(() => parseSettings(broken), (e: unknown) => e instanceof ConfigError && /priority 4, which is not defined/.test(e.message) && /commander/.test(e.message));
  });

  it('keeps the category select usable: at most 100 categories', () => {
    const broken = structuredClone(defaults);
    broken.categoryGroups = [0, 1].map((g) => ({ name: `G${g}`, categories: Array.from({ length: 51 }, (_, i) => ({ value: `c-${g}-${i}`, name: `C ${i}` })) }));
    assert.throws(() => parseSettings(broken), /categoryGroups: at most 100 categories in all \(there are 102\)/);
  });

  it('loads a file written before attachments had settings, with the default limits', () => {
    const older = structuredClone(defaults);
    delete older.attachments;
    const settings = parseSettings(older);
    assert.deepEqual(settings.attachments, {
      maxFiles: 5,
      maxBytesPerFile: 10 * 1024 * 1024,
      timeoutMs: 20_000,
      maxRedirects: 3,
      allowHttpHosts: [],
      allowPrivateAddressHosts: [],
    });
  });

  it('names a wrong attachment limit or host, and writes hosts in lower case', () => {
    const broken = structuredClone(defaults);
    broken.attachments = { maxFiles: 11, allowHttpHosts: ['https://files.example.com/'] };
    assert.throws(
      () => parseSettings(broken),
      (e: unknown) => e instanceof ConfigError && /attachments\.maxFiles: /.test(e.message) && /attachments\.allowHttpHosts\[0\]: must be a host name/.test(e.message),
    );
    const fine = structuredClone(defaults);
    fine.attachments = { allowPrivateAddressHosts: [' Files.Internal.Example '] };
    assert.deepEqual(parseSettings(fine).attachments.allowPrivateAddressHosts, ['files.internal.example']);
  });

  it('says when the file is not JSON or missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'settings-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, '{ not json');
    assert.throws(() => loadSettings(file), /is not valid JSON/);
    assert.throws(() => loadSettings(path.join(dir, 'missing.json')), /cannot be read/);
  });
});
