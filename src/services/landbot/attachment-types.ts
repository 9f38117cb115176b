/** One file fetched for a ticket, ready to upload to Jira. */
export interface FetchedAttachment {
  url: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

/** A URL that was not attached: refused by the fetch policy, or the fetch failed. */
export interface RefusedAttachment {
  url: string;
  reason: string;
}

export interface AttachmentBatch {
  fetched: FetchedAttachment[];
  refused: RefusedAttachment[];
}

/** Fetches the attachments of an external ticket request within the limits of the settings; never throws for one URL. */
export type FetchAttachments = (urls: string[]) => Promise<AttachmentBatch>;
