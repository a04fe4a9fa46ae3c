/**
 * The files going with a comment or a new request: an "Attach files" button, each file with its progress, a cancel
 * (×) and, when it failed, the reason and a retry. Dropping files on the surrounding form and pasting an image into
 * its text box add files too (`dropProps`, `pasteFiles`).
 */
import { type ClipboardEvent, type DragEvent, useId, useRef, useState } from 'react';
import { formatBytes } from '../../../core/attachments.ts';
import type { Uploads } from './use-uploads.ts';

/** onPaste for a text box: files on the clipboard (a screenshot) are attached; text pastes as usual. */
export function pasteFiles(uploads: Uploads) {
  return (e: ClipboardEvent) => {
    const files = [...e.clipboardData.files];
    if (!files.length) return;
    e.preventDefault();
    uploads.add(files, true);
  };
}

/** Props for the element files may be dropped on; `dragging` styles it while files hover over it. */
export function useDropZone(uploads: Uploads) {
  const [dragging, setDragging] = useState(false);
  const hasFiles = (e: DragEvent) => [...e.dataTransfer.types].includes('Files');
  return {
    dragging,
    dropProps: {
      onDragOver: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      },
      onDragLeave: (e: DragEvent) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      },
      onDrop: (e: DragEvent) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        uploads.add(e.dataTransfer.files);
      },
    },
  };
}

export function AttachmentTray({ uploads, disabled }: { uploads: Uploads; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  return (
    <div className="attach-tray">
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          if (e.target.files?.length) uploads.add(e.target.files);
          e.target.value = '';
        }}
      />
      <button type="button" className="btn btn-small btn-ghost attach-button" disabled={disabled} onClick={() => input.current?.click()} aria-controls={listId}>
        <PaperclipIcon /> Attach files
      </button>
      <span className="muted small attach-hint">or drop them here, or paste a screenshot</span>
      <ul id={listId} className="attach-list" aria-label="Files to send" aria-live="polite">
        {uploads.files.map((f) => {
          const pct = f.file.size ? Math.min(100, Math.round((f.loaded / f.file.size) * 100)) : 100;
          return (
            <li key={f.key} className={`attach-item ${f.status}`} data-testid="attach-item" data-status={f.status}>
              <span className="attach-name" title={f.name}>
                {f.name}
              </span>
              <span className="muted small">{formatBytes(f.file.size)}</span>
              {f.status === 'uploading' && <progress max={100} value={pct} aria-label={`Uploading ${f.name}: ${pct}%`} />}
              {f.status === 'stored' && <span className="attach-ok small">✓ Uploaded</span>}
              {f.status === 'failed' && (
                <>
                  <span className="attach-error small" role="alert">
                    {f.error}
                  </span>
                  <button type="button" className="btn btn-small" onClick={() => uploads.retry(f.key)}>
                    Retry
                  </button>
                </>
              )}
              <button
                type="button"
                className="link-button attach-remove"
                aria-label={f.status === 'uploading' ? `Cancel upload of ${f.name}` : `Remove ${f.name}`}
                onClick={() => uploads.remove(f.key)}
              >
                ×
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const PaperclipIcon = () => (
  <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
    <path d="M21 11.5 12.5 20a5 5 0 0 1-7-7L14 4.5a3.5 3.5 0 0 1 5 5L10.5 18a2 2 0 0 1-3-3L15 7.5" />
  </svg>
);

/** Why the send button waits, if it does. */
export function uploadsBlock(uploads: Uploads): string | null {
  if (uploads.uploading) return 'Waiting for uploads to finish…';
  if (uploads.failed) return 'A file failed to upload: retry it or remove it';
  return null;
}
