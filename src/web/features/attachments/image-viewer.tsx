/** A full-size image viewer: a modal dialog; Esc closes, ← and → go between the entry's images. */
import { useEffect, useRef } from 'react';
import type { Attachment } from '../../../server/schemas/attachments.ts';
import { formatBytes } from '../../../core/attachments.ts';

export function ImageViewer({ images, index, onIndex, onClose }: { images: Attachment[]; index: number; onIndex: (i: number) => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const a = images[index]!;
  const n = images.length;
  const go = (step: number) => onIndex((index + step + n) % n);
  return (
    <dialog
      ref={ref}
      className="dialog image-viewer"
      aria-label={`Image ${index + 1} of ${n}: ${a.name}`}
      data-testid="image-viewer"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight' && n > 1) go(1);
        else if (e.key === 'ArrowLeft' && n > 1) go(-1);
        else if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        } else return;
        e.stopPropagation();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog itself, outside its content) closes it.
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div className="dialog-header">
        <h2 className="image-viewer-title">
          {a.name} <span className="muted small">{formatBytes(a.size)}</span>
        </h2>
        <a className="btn btn-small" href={a.url} download={a.name}>
          Download
        </a>
        <button type="button" className="link-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="image-viewer-body">
        {n > 1 && (
          <button type="button" className="btn image-viewer-nav" aria-label="Previous image" onClick={() => go(-1)}>
            ‹
          </button>
        )}
        <img src={a.url} alt={a.name} />
        {n > 1 && (
          <button type="button" className="btn image-viewer-nav" aria-label="Next image" onClick={() => go(1)}>
            ›
          </button>
        )}
      </div>
      {n > 1 && (
        <p className="muted small image-viewer-count" aria-live="polite">
          {index + 1} / {n} · ← → to move, Esc to close
        </p>
      )}
    </dialog>
  );
}
