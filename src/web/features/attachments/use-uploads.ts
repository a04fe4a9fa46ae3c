/**
 * Files being attached to a comment or a new request: each uploads at once (POST /uploads, raw bytes) with its own
 * progress, can be cancelled (the upload aborted, or removed once stored) and, when it failed, retried from the same
 * File, so nothing typed is lost. What is sent names the stored ones by id (`attachmentIds`).
 * XMLHttpRequest, not fetch: only it reports upload progress.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Attachment } from '../../../server/schemas/attachments.ts';
import { currentCsrfToken, del } from '../../api/client.ts';

export interface PendingFile {
  key: string;
  file: File;
  name: string;
  status: 'uploading' | 'stored' | 'failed';
  /** Bytes sent so far. */
  loaded: number;
  attachment?: Attachment;
  error?: string;
}

let counter = 0;

/** A pasted screenshot arrives as "image.png" whatever it is: name it for when it was pasted. */
export function nameOf(file: File, pasted: boolean): string {
  if (!pasted || (file.name && file.name !== 'image.png')) return file.name || 'file';
  const ext = file.type.split('/')[1]?.replace('jpeg', 'jpg') ?? 'png';
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `screenshot-${stamp}.${ext}`;
}

/** The API's error message from an XHR's JSON answer, or a plain one. */
function failure(xhr: XMLHttpRequest): string {
  if (xhr.status === 0) return 'Upload interrupted: check your connection and retry';
  try {
    const parsed = JSON.parse(xhr.responseText) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON: a proxy's page
  }
  return `Upload failed (${xhr.status})`;
}

export function useUploads() {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const requests = useRef(new Map<string, XMLHttpRequest>());
  /** Uploads cancelled after their last byte left: the server may store them, so their answer is awaited and removed. */
  const dropped = useRef(new Set<string>());
  const update = (key: string, change: Partial<PendingFile>) => setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...change } : f)));

  const start = useCallback((key: string, file: File, name: string) => {
    const xhr = new XMLHttpRequest();
    requests.current.set(key, xhr);
    xhr.open('POST', `/api/v1/uploads?name=${encodeURIComponent(name)}`);
    xhr.setRequestHeader('accept', 'application/json');
    const token = currentCsrfToken();
    if (token) xhr.setRequestHeader('x-csrf-token', token);
    xhr.upload.onprogress = (e) => update(key, { loaded: e.loaded });
    xhr.upload.onload = () => ((xhr as XMLHttpRequest & { sentAll?: boolean }).sentAll = true);
    xhr.onload = () => {
      requests.current.delete(key);
      if (dropped.current.delete(key)) {
        if (xhr.status === 201) void del(`/uploads/${(JSON.parse(xhr.responseText) as Attachment).id}`).catch(() => undefined);
        return;
      }
      if (xhr.status === 201) update(key, { status: 'stored', loaded: file.size, attachment: JSON.parse(xhr.responseText) as Attachment });
      else update(key, { status: 'failed', error: failure(xhr) });
    };
    xhr.onerror = () => {
      requests.current.delete(key);
      if (dropped.current.delete(key)) return;
      update(key, { status: 'failed', error: failure(xhr) });
    };
    xhr.send(file);
  }, []);

  const add = useCallback(
    (list: Iterable<File>, pasted = false) => {
      const added = [...list].map((file) => ({ key: `f${++counter}`, file, name: nameOf(file, pasted), status: 'uploading' as const, loaded: 0 }));
      setFiles((all) => [...all, ...added]);
      for (const f of added) start(f.key, f.file, f.name);
    },
    [start],
  );

  /** Stops an upload in flight, or removes a stored one (it was never sent). */
  const remove = useCallback((key: string) => {
    const xhr = requests.current.get(key) as (XMLHttpRequest & { sentAll?: boolean }) | undefined;
    // Every byte sent: aborting now could leave the stored file behind unseen, so its answer is awaited and removed.
    if (xhr?.sentAll) dropped.current.add(key);
    else {
      xhr?.abort();
      requests.current.delete(key);
    }
    setFiles((all) => {
      const f = all.find((x) => x.key === key);
      if (f?.attachment) void del(`/uploads/${f.attachment.id}`).catch(() => undefined); // pruned later if this fails
      return all.filter((x) => x.key !== key);
    });
  }, []);

  const retry = useCallback(
    (key: string) => {
      const f = files.find((x) => x.key === key);
      if (!f) return;
      update(key, { status: 'uploading', loaded: 0, error: undefined });
      start(key, f.file, f.name);
    },
    [files, start],
  );

  /** After sending: the files went with it (nothing to remove). */
  const clear = useCallback(() => setFiles([]), []);

  // Leaving the page aborts uploads still in flight.
  useEffect(() => {
    const live = requests.current;
    return () => live.forEach((x) => x.abort());
  }, []);

  const ids = files.flatMap((f) => (f.attachment ? [f.attachment.id] : []));
  const uploading = files.some((f) => f.status === 'uploading');
  const failed = files.some((f) => f.status === 'failed');
  return { files, add, remove, retry, clear, ids, uploading, failed, ready: !uploading && !failed };
}

export type Uploads = ReturnType<typeof useUploads>;
