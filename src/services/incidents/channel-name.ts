const MAX_CHANNEL_NAME = 80;

/**
 * `<prefix>-<number>-<envs>-<title-slug>`, within Slack's rules: lowercase letters, digits, `-` and `_`, at most 80
 * characters. The number and environments always survive; the title slug is cut to fit. A suffix (`-2`, `-3`…) is
 * kept whole when a name is taken.
 */
export function buildChannelName(options: { prefix: string; number: number; environments: string[]; title: string; attempt?: number }): string {
  const suffix = options.attempt && options.attempt > 1 ? `-${options.attempt}` : '';
  const envs = options.environments.map(slugify).filter(Boolean).join('-');
  const head = [slugify(options.prefix), String(options.number), envs].filter(Boolean).join('-');
  const room = MAX_CHANNEL_NAME - head.length - suffix.length - 1;
  const titleSlug = room > 0 ? slugify(options.title).slice(0, room).replace(/-+$/, '') : '';
  const name = titleSlug ? `${head}-${titleSlug}${suffix}` : `${head}${suffix}`;
  return name.slice(0, MAX_CHANNEL_NAME);
}

export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}
