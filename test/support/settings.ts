import { loadSettings } from '../../src/settings/load-settings.js';
import type { Settings } from '../../src/settings/schema.js';

/** The shipped default settings, read through the same validation as the app. */
export function defaultSettings(): Settings {
  return loadSettings('config/settings.json');
}

/** A deep copy of the defaults with changes, for tests of settings-driven behaviour. */
export function settingsWith(change: (s: Settings) => void): Settings {
  const copy = structuredClone(defaultSettings());
  change(copy);
  return copy;
}
