/**
 * Files on a note or message from a destination that Bridgedesk did not copy because they are over the size limit
 * (listed `tooLarge` in the entry's data, fetch-remote-files.ts): named with their size and a link to the
 * conversation, where they can still be opened. Copied files show with the entry's attachments like any other.
 */
import type { TimelineEntry } from '../../../server/schemas/request.ts';
import { formatBytes } from '../../../core/attachments.ts';

interface Listed {
  remoteId: string;
  name: string;
  size: number | null;
  tooLarge?: boolean;
}

const listedFiles = (data: Record<string, unknown> | null | undefined): Listed[] =>
  Array.isArray(data?.files) ? (data.files as Listed[]).filter((f) => f && typeof f.name === 'string') : [];

export function RemoteFileNotices({ entry }: { entry: Pick<TimelineEntry, 'data'> }) {
  const data = entry.data as Record<string, unknown> | null | undefined;
  const tooLarge = listedFiles(data).filter((f) => f.tooLarge);
  if (!tooLarge.length) return null;
  const destination = typeof data?.destination === 'string' ? data.destination : 'the destination';
  const url = typeof data?.url === 'string' ? data.url : null;
  return (
    <ul className="attachments remote-file-notices" data-testid="remote-file-notices">
      {tooLarge.map((f) => (
        <li key={f.remoteId} className="attachment-file too-large" data-testid="remote-file-too-large">
          <span className="attachment-icon" aria-hidden="true">
            !
          </span>
          <span className="attachment-name">{f.name}</span>
          <span className="muted small">
            {f.size !== null ? `${formatBytes(f.size)} · ` : ''}too large to copy;{' '}
            {url ? (
              <a href={url} target="_blank" rel="noopener">
                open in {destination}
              </a>
            ) : (
              `open it in ${destination}`
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
