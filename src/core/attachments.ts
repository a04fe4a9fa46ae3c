/**
 * Attachment rules, no I/O: what a file may be called, what its bytes may be, which types a browser may show in
 * place, and how a download names itself. The type of a file always comes from its bytes (a signature found by
 * `file-type`, or the text rule below), never from its name or a request header.
 */

/** The longest name kept (characters); longer names lose the end of their stem, never their extension. */
export const NAME_MAX = 255;

/** Types a browser may show in place: raster images (not SVG, which is a document that can run script) and PDF. */
export const INLINE_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);

/** The type of bytes with no signature that are UTF-8 text without NUL bytes; any other unsigned bytes are OCTETS. */
export const TEXT_TYPE = 'text/plain';
export const OCTETS_TYPE = 'application/octet-stream';

// Path separators, C0/C1 controls and DEL, bidirectional overrides, embeddings, isolates and marks, zero-width
// characters and the BOM: what makes a name mean a path, break a header or read differently from what it is.
const SEPARATORS = /[/\\]/;
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;
// Characters Windows refuses in a file name: the downloaded file must be savable as named.
const UNSAVABLE = /[<>:"|?*]/g;

/**
 * The name an upload is stored under: the last path segment of what the client sent, line breaks and tabs made
 * spaces, without other control, direction or zero-width characters, with characters Windows cannot save replaced by "_", runs of spaces made one, no leading or
 * trailing spaces or dots, at most NAME_MAX characters. "" when nothing is left (the caller refuses it).
 */
export function sanitizeFileName(raw: string): string {
  const segments = raw.split(SEPARATORS);
  let name = (segments[segments.length - 1] ?? '')
    .normalize('NFC')
    .replace(/[\t\n\v\f\r]/g, ' ')
    .replace(HIDDEN, '')
    .replace(UNSAVABLE, '_')
    .replace(/\s+/gu, ' ');
  name = name.replace(/^[\s.]+|[\s.]+$/gu, '');
  if ([...name].length <= NAME_MAX) return name;
  const ext = extensionOf(name);
  const suffix = ext && ext.length < 20 ? `.${ext}` : '';
  const stem = [...name.slice(0, name.length - suffix.length)]
    .slice(0, NAME_MAX - suffix.length)
    .join('')
    .trimEnd();
  return stem + suffix;
}

/** The lower-cased extension after the last dot, or null (no dot, or a name that is only an extension). */
export function extensionOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  return dot > 0 && dot < name.length - 1 ? name.slice(dot + 1).toLowerCase() : null;
}

/** What `file-type` found in the first bytes. */
export interface DetectedType {
  ext: string;
  mime: string;
}

const ZIP_BASED = ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'jar', 'apk', 'xpi', 'vsdx', '3mf', 'ipa'];
/**
 * Extensions whose formats have a signature, and the signatures (as file-type names them) that honour the claim.
 * An office document may be recognised only as the ZIP (or OLE compound file) it is built on: that is no lie.
 */
const SIGNED: Record<string, string[]> = {
  png: ['png', 'apng'],
  apng: ['apng', 'png'],
  jpg: ['jpg'],
  jpeg: ['jpg'],
  jpe: ['jpg'],
  jfif: ['jpg'],
  gif: ['gif'],
  webp: ['webp'],
  bmp: ['bmp'],
  tif: ['tif'],
  tiff: ['tif'],
  ico: ['ico', 'cur'],
  heic: ['heic'],
  avif: ['avif'],
  pdf: ['pdf', 'ai'],
  zip: ZIP_BASED,
  docx: ['docx', 'zip'],
  xlsx: ['xlsx', 'zip'],
  pptx: ['pptx', 'zip'],
  odt: ['odt', 'zip'],
  ods: ['ods', 'zip'],
  odp: ['odp', 'zip'],
  epub: ['epub', 'zip'],
  doc: ['cfb'],
  xls: ['cfb'],
  ppt: ['cfb'],
  msg: ['cfb'],
  msi: ['cfb'],
  exe: ['exe'],
  dll: ['exe'],
  gz: ['gz'],
  tgz: ['gz'],
  bz2: ['bz2'],
  xz: ['xz'],
  '7z': ['7z'],
  rar: ['rar'],
  tar: ['tar'],
  mp3: ['mp3'],
  mp4: ['mp4', 'm4v', 'm4a', 'mov'],
  m4v: ['m4v', 'mp4'],
  mov: ['mov', 'mp4'],
  wav: ['wav'],
  ogg: ['ogg', 'oga', 'ogv', 'opus'],
  webm: ['webm', 'mkv'],
  mkv: ['mkv', 'webm'],
  avi: ['avi'],
};
/** Extensions that say "text": bytes with a binary signature contradict them (XML is text with a signature). */
const TEXTUAL = new Set([
  'txt',
  'text',
  'csv',
  'tsv',
  'log',
  'md',
  'markdown',
  'json',
  'yaml',
  'yml',
  'ini',
  'cfg',
  'conf',
  'xml',
  'html',
  'htm',
  'svg',
  'eml',
]);

/**
 * Whether the name's extension contradicts the bytes: a `.png` whose bytes are a ZIP, an executable or no image at
 * all, a `.txt` that is an executable. Null when they agree, or when the extension claims nothing checkable (no
 * extension, or one of a format without a signature); otherwise what is wrong, for the 415.
 */
export function typeContradiction(name: string, detected: DetectedType | null): string | null {
  const ext = extensionOf(name);
  if (!ext) return null;
  const accepted = SIGNED[ext];
  const found = detected ? `${detected.mime} (.${detected.ext})` : 'not one';
  if (accepted)
    return detected && accepted.includes(detected.ext) ? null : `The file is named .${ext} but its content is ${detected ? found : `no .${ext} file`}`;
  if (TEXTUAL.has(ext) && detected && detected.ext !== 'xml') return `The file is named .${ext} (text) but its content is ${found}`;
  return null;
}

/** The stored type: the signature's, else text/plain for UTF-8 text without NUL bytes, else octets. */
export const contentTypeOf = (detected: DetectedType | null, utf8Text: boolean): string => detected?.mime ?? (utf8Text ? TEXT_TYPE : OCTETS_TYPE);

/** The Content-Type a download is served with: text is declared UTF-8, which the text rule guaranteed. */
export const servedContentType = (contentType: string) => (contentType === TEXT_TYPE ? `${TEXT_TYPE}; charset=utf-8` : contentType);

export const isInline = (contentType: string) => INLINE_TYPES.has(contentType);

/**
 * Content-Disposition for a download (RFC 6266): an ASCII fallback name for old clients, quoted and escaped, and the
 * real name as RFC 8187 UTF-8.
 */
export function contentDisposition(name: string, inline: boolean): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** An inclusive byte range. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A Range header (RFC 9110 14.2) against a file of `size` bytes: one range (`a-b`, `a-`, `-n`), 'unsatisfiable'
 * when it starts past the end (416), or null to serve the whole file (no header, another unit, several ranges, or a
 * malformed one: all of which a server may ignore).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? Infinity : Number(m[2]);
  if (end < start) return null;
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}

/** Where an attachment is downloaded (the API path). */
export const attachmentUrl = (id: string) => `/api/v1/attachments/${id}`;

/** Limits a person meets: per file, per comment, per request (and on what one person has uploaded but not sent). */
export interface AttachmentLimits {
  maxBytes: number;
  perComment: number;
  maxRequestBytes: number;
}

/** Bytes as people read them: "25 MB", "1.5 MB", "300 KB" (binary units, as the limits are set). */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} bytes`;
}

/** An attachment as the API shows it (server/schemas/attachments.ts AttachmentSchema). */
export interface AttachmentView {
  id: string;
  name: string;
  size: number;
  contentType: string;
  sha256: string;
  createdAt: string;
  /** Where to download it. */
  url: string;
  /** Whether the download is shown in place (INLINE_TYPES) rather than saved. */
  inline: boolean;
}

export function attachmentView(a: { id: string; name: string; size: number; contentType: string; sha256: string; createdAt: Date | string }): AttachmentView {
  return {
    id: a.id,
    name: a.name,
    size: a.size,
    contentType: a.contentType,
    sha256: a.sha256,
    createdAt: new Date(a.createdAt).toISOString(),
    url: attachmentUrl(a.id),
    inline: isInline(a.contentType),
  };
}
