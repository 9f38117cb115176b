// Minimal multipart/form-data parser (RFC 7578) for attachment uploads.

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function parseHeaders(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function dispositionParam(disposition: string, param: string): string | undefined {
  // filename*=UTF-8''… (RFC 5987) wins over filename="…"
  if (param === 'filename') {
    const extended = /filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
    if (extended?.[1]) return decodeURIComponent(extended[1]);
  }
  const match = new RegExp(`(?:^|;)\\s*${param}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition) ?? new RegExp(`(?:^|;)\\s*${param}=([^;]+)`, 'i').exec(disposition);
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) throw new Error('multipart: boundary not found');
  for (;;) {
    start += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('multipart: unterminated part');
    const chunk = body.subarray(start, next - 2); // drop the CRLF before the next delimiter
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new Error('multipart: part without headers');
    const headers = parseHeaders(chunk.subarray(0, headerEnd).toString('utf8'));
    const disposition = headers['content-disposition'] ?? '';
    const part: MultipartPart = { name: dispositionParam(disposition, 'name') ?? '', data: Buffer.from(chunk.subarray(headerEnd + 4)) };
    const filename = dispositionParam(disposition, 'filename');
    if (filename !== undefined) part.filename = filename;
    if (headers['content-type']) part.contentType = headers['content-type'];
    parts.push(part);
    start = next;
  }
  return parts;
}

const MIME_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  html: 'text/html',
  zip: 'application/zip',
};

/** Jira sniffs the type itself; the emulator trusts a specific part type, else guesses from the extension. */
export function mimeTypeFor(part: MultipartPart): string {
  if (part.contentType && part.contentType !== 'application/octet-stream') return part.contentType.split(';')[0]?.trim() ?? part.contentType;
  const ext = part.filename?.split('.').pop()?.toLowerCase() ?? '';
  return MIME_BY_EXTENSION[ext] ?? 'application/octet-stream';
}
