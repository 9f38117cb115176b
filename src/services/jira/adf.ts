/** Atlassian Document Format, the rich-text shape Jira Cloud's v3 API takes: one paragraph per line. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: Array<{ type: 'paragraph'; content?: Array<{ type: 'text'; text: string; marks?: Array<{ type: 'link'; attrs: { href: string } }> }> }>;
}

export function adfFromText(text: string): AdfDocument {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  return {
    type: 'doc',
    version: 1,
    content: lines.map((line) => (line.length > 0 ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' })),
  };
}
