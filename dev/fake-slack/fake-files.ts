/**
 * Slack's two-step file upload, as the fake plays it: `files.getUploadURLExternal` hands out an
 * upload URL (on the fake's own server), the client POSTs the bytes there, and
 * `files.completeUploadExternal` shares the file in a channel or thread. Every completed upload is
 * recorded with its bytes, so tests can open the PNG that was shared.
 */
export interface RecordedUpload {
  fileId: string;
  filename: string;
  title?: string;
  channel?: string;
  threadTs?: string;
  initialComment?: string;
  bytes: Buffer;
}

interface PendingUpload {
  filename: string;
  length: number;
  bytes?: Buffer;
}

export class FakeFiles {
  readonly uploads: RecordedUpload[] = [];
  readonly #pending = new Map<string, PendingUpload>();
  #counter = 0;

  /** `files.getUploadURLExternal`: `filename` and `length` (bytes) are required. */
  getUploadUrl(baseUrl: string, body: Record<string, unknown>): Record<string, unknown> {
    const filename = typeof body.filename === 'string' ? body.filename : '';
    const length = Number(body.length);
    if (filename === '' || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: 'invalid_arguments' };
    const fileId = `F0FAKE${String(++this.#counter).padStart(5, '0')}`;
    this.#pending.set(fileId, { filename, length });
    return { ok: true, upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId };
  }

  /** The POST of the bytes to the upload URL; false when the URL is unknown. */
  receive(fileId: string, bytes: Buffer): boolean {
    const pending = this.#pending.get(fileId);
    if (!pending) return false;
    pending.bytes = bytes;
    return true;
  }

  /** `files.completeUploadExternal`: every file must have been uploaded with its announced length. */
  complete(body: Record<string, unknown>): Record<string, unknown> {
    const files = Array.isArray(body.files) ? (body.files as { id?: unknown; title?: unknown }[]) : [];
    if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
    const done: RecordedUpload[] = [];
    for (const file of files) {
      const pending = typeof file.id === 'string' ? this.#pending.get(file.id) : undefined;
      if (!pending?.bytes) return { ok: false, error: 'file_not_found' };
      if (pending.bytes.length !== pending.length) return { ok: false, error: 'file_upload_size_mismatch' };
      done.push({
        fileId: file.id as string,
        filename: pending.filename,
        title: typeof file.title === 'string' ? file.title : undefined,
        channel: typeof body.channel_id === 'string' ? body.channel_id : undefined,
        threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
        initialComment: typeof body.initial_comment === 'string' ? body.initial_comment : undefined,
        bytes: pending.bytes,
      });
    }
    for (const upload of done) this.#pending.delete(upload.fileId);
    this.uploads.push(...done);
    return { ok: true, files: done.map((u) => ({ id: u.fileId, title: u.title ?? u.filename })) };
  }
}
