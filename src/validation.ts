import type { z } from 'zod';

/** Renders zod issues as `path: message` lines, so the user sees which field is wrong. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length > 0 ? formatPath(issue.path) : '(root)';
    return `  ${path}: ${issue.message}`;
  });
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
    .join('');
}
