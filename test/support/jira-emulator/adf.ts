// Atlassian Document Format (ADF) helpers.
// REST v3 speaks ADF for rich-text fields (description, comment bodies, textarea custom fields); REST v2 and
// webhook bodies speak wiki-markup strings. The emulator stores what the client sent and converts on output.

import { isRecord } from './util.js';

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: unknown[];
}

/** True for a top-level ADF document `{type:'doc', version:1, content:[…]}` (what Jira v3 requires). */
export function isAdfDoc(value: unknown): value is AdfDoc {
  return isRecord(value) && value.type === 'doc' && value.version === 1 && Array.isArray(value.content);
}

/** Plain text (one paragraph per blank-line-separated block) to an ADF document, as Jira's UI stores it. */
export function textToAdf(text: string): AdfDoc {
  const blocks = text.split(/\n{2,}/);
  return {
    type: 'doc',
    version: 1,
    content: blocks.map((block) => {
      const lines = block.split('\n');
      const content: unknown[] = [];
      lines.forEach((line, i) => {
        if (i > 0) content.push({ type: 'hardBreak' });
        if (line.length > 0) content.push({ type: 'text', text: line });
      });
      return { type: 'paragraph', content };
    }),
  };
}

function marksToWiki(text: string, marks: unknown): string {
  if (!Array.isArray(marks)) return text;
  let out = text;
  for (const mark of marks) {
    if (!isRecord(mark)) continue;
    switch (mark.type) {
      case 'strong':
        out = `*${out}*`;
        break;
      case 'em':
        out = `_${out}_`;
        break;
      case 'code':
        out = `{{${out}}}`;
        break;
      case 'strike':
        out = `-${out}-`;
        break;
      case 'link': {
        const href = isRecord(mark.attrs) && typeof mark.attrs.href === 'string' ? mark.attrs.href : '';
        out = `[${out}|${href}]`;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

function inlineToWiki(nodes: unknown): string {
  if (!Array.isArray(nodes)) return '';
  return nodes.map((node) => nodeToWiki(node, '')).join('');
}

function nodeToWiki(node: unknown, listPrefix: string): string {
  if (!isRecord(node)) return '';
  const attrs = isRecord(node.attrs) ? node.attrs : {};
  switch (node.type) {
    case 'text':
      return marksToWiki(typeof node.text === 'string' ? node.text : '', node.marks);
    case 'hardBreak':
      return '\n';
    case 'mention':
      return typeof attrs.id === 'string' ? `[~accountid:${attrs.id}]` : String(attrs.text ?? '');
    case 'emoji':
      return String(attrs.text ?? attrs.shortName ?? '');
    case 'inlineCard':
      return typeof attrs.url === 'string' ? `[${attrs.url}|${attrs.url}|smart-link]` : '';
    case 'paragraph':
      return inlineToWiki(node.content);
    case 'heading':
      return `h${typeof attrs.level === 'number' ? attrs.level : 1}. ${inlineToWiki(node.content)}`;
    case 'blockquote':
      return `{quote}${blocksToWiki(node.content, listPrefix)}{quote}`;
    case 'codeBlock':
      return `{code}${inlineToWiki(node.content)}{code}`;
    case 'rule':
      return '----';
    case 'bulletList':
    case 'orderedList': {
      const bullet = node.type === 'bulletList' ? '*' : '#';
      const items = Array.isArray(node.content) ? node.content : [];
      return items.map((item) => nodeToWiki(item, listPrefix + bullet)).join('\n');
    }
    case 'listItem': {
      const parts = Array.isArray(node.content) ? node.content : [];
      return parts
        .map((part) => {
          if (isRecord(part) && (part.type === 'bulletList' || part.type === 'orderedList')) return nodeToWiki(part, listPrefix);
          return `${listPrefix} ${nodeToWiki(part, listPrefix)}`;
        })
        .join('\n');
    }
    default:
      return Array.isArray(node.content) ? blocksToWiki(node.content, listPrefix) : '';
  }
}

function blocksToWiki(nodes: unknown, listPrefix: string): string {
  if (!Array.isArray(nodes)) return '';
  return nodes.map((node) => nodeToWiki(node, listPrefix)).join('\n\n');
}

/** ADF document to wiki markup (what REST v2 and webhooks show for a field stored as ADF). */
export function adfToWiki(doc: AdfDoc): string {
  return blocksToWiki(doc.content, '');
}

/** Rich-text value (ADF or string or null) as REST v3 shows it. */
export function richTextForV3(value: unknown): unknown {
  if (typeof value === 'string') return textToAdf(value);
  return value ?? null;
}

/** Rich-text value (ADF or string or null) as REST v2 / webhooks show it. */
export function richTextForV2(value: unknown): unknown {
  if (isAdfDoc(value)) return adfToWiki(value);
  return value ?? null;
}

/** Plain display string of a rich-text value (for changelog fromString/toString). */
export function richTextToString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (isAdfDoc(value)) return adfToWiki(value);
  return JSON.stringify(value);
}
