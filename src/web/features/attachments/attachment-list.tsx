/**
 * The files of one timeline entry: images as thumbnails that open in a viewer, PDFs previewed in place, anything
 * else as a download with its name, size and type. Only what the API returned is shown (it leaves out what the
 * reader may not see), and a thumbnail that cannot load becomes a plain download link rather than a broken tile.
 */
import { useState } from 'react';
import type { Attachment } from '../../../server/schemas/attachments.ts';
import { formatBytes } from '../../../core/attachments.ts';
import { ImageViewer } from './image-viewer.tsx';

const isImage = (a: Attachment) => a.inline && a.contentType.startsWith('image/');
const isPdf = (a: Attachment) => a.inline && a.contentType === 'application/pdf';
/** "PDF", "PNG", "ZIP", "Text": the type as a person reads it. */
export function typeLabel(contentType: string): string {
  if (contentType.startsWith('text/plain')) return 'Text';
  const sub = contentType.split('/')[1] ?? contentType;
  return sub
    .replace(/^(x-|vnd\.)/, '')
    .split(/[.+;-]/)[0]!
    .toUpperCase();
}

function Download({ a }: { a: Attachment }) {
  return (
    <a className="attachment-file" href={a.url} download={a.name} data-testid="attachment-download">
      <span className="attachment-icon" aria-hidden="true">
        {typeLabel(a.contentType).slice(0, 4)}
      </span>
      <span className="attachment-name">{a.name}</span>
      <span className="muted small">
        {typeLabel(a.contentType)} · {formatBytes(a.size)}
      </span>
    </a>
  );
}

function Thumb({ a, onOpen }: { a: Attachment; onOpen: () => void }) {
  const [broken, setBroken] = useState(false);
  if (broken) return <Download a={a} />;
  return (
    <button type="button" className="attachment-thumb" onClick={onOpen} aria-label={`View ${a.name} (${formatBytes(a.size)})`} data-testid="attachment-thumb">
      <img src={a.url} alt={a.name} loading="lazy" onError={() => setBroken(true)} />
    </button>
  );
}

function PdfPreview({ a }: { a: Attachment }) {
  return (
    <figure className="attachment-pdf" data-testid="attachment-pdf">
      <iframe src={a.url} title={`Preview of ${a.name}`} loading="lazy" />
      <figcaption>
        <a href={a.url} target="_blank" rel="noopener">
          {a.name}
        </a>{' '}
        <span className="muted small">PDF · {formatBytes(a.size)}</span>{' '}
        <a className="small" href={a.url} download={a.name}>
          Download
        </a>
      </figcaption>
    </figure>
  );
}

export function AttachmentList({ attachments }: { attachments: Attachment[] | undefined }) {
  const [open, setOpen] = useState<number | null>(null);
  if (!attachments?.length) return null;
  const images = attachments.filter(isImage);
  return (
    <div className="attachments" data-testid="attachments">
      {images.length > 0 && (
        <div className="attachment-thumbs">
          {images.map((a, i) => (
            <Thumb key={a.id} a={a} onOpen={() => setOpen(i)} />
          ))}
        </div>
      )}
      {attachments.filter(isPdf).map((a) => (
        <PdfPreview key={a.id} a={a} />
      ))}
      {attachments
        .filter((a) => !isImage(a) && !isPdf(a))
        .map((a) => (
          <Download key={a.id} a={a} />
        ))}
      {open !== null && <ImageViewer images={images} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />}
    </div>
  );
}
