/**
 * Files coming back from Kustomer under chaos (issue 18 point 4): while the faults run, Kustomer's agents write notes
 * with files, and customers write messages with a file, on some linked conversations (in the emulator, as in
 * Kustomer's app). Each reaches Bridgedesk the way production does it: Kustomer's webhook (inbound sync is on, with
 * no status mapping so requests keep their states), the drain, the thread read, then `fetch-remote-files` copying
 * each file through the rate budget into storage. At the end every such file must be on its request's timeline entry
 * for that note or message exactly once, and download through the API with the bytes Kustomer has (sha256).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { EmulatorControl } from '../../src/connectors/kustomer/emulator/index.ts';
import { png, text } from '../support/attachment-files.ts';
import type { Check } from './checks.ts';

/**
 * Which of the load's escalations get a thread item with files once linked: of those submitted in the first half of
 * the load (so most link, and get their item, while the faults still run), every 5th a note and every 5th a message.
 */
export const remoteItemFor = (i: number): 'note' | 'message' | null => (i % 5 === 1 ? 'note' : i % 5 === 3 ? 'message' : null);

interface Item {
  escalationId: string;
  requestId: string;
  kind: 'note' | 'message';
  /** Kustomer's id of the note or message (the entry's `remoteId`). */
  remoteId: string;
  files: { name: string; sha256: string }[];
  /** Written while the faults were still running. */
  duringFaults: boolean;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The files of escalation `i`'s thread item: distinct bytes per item; the log spans two storage chunks (256 KB). */
function filesFor(i: number, kind: 'note' | 'message', runTag: string) {
  const log = Buffer.concat([Buffer.from(`chaos ${runTag} ${kind} ${i}\n`), text(300_000)]);
  const shot = png({ width: 12, height: 9, rgb: [i % 256, (i >> 8) % 256, 200], padTo: 20_000 + i });
  return kind === 'note'
    ? [
        { name: `kustomer-shot-${i}.png`, contentType: 'image/png', bytes: shot },
        { name: `kustomer-log-${i}.txt`, contentType: 'text/plain', bytes: log },
      ]
    : [{ name: `customer-log-${i}.txt`, contentType: 'text/plain', bytes: log }];
}

export function remoteFiles(o: { pool: pg.Pool; control: EmulatorControl; org: string; runTag: string; faultsOver: () => boolean }) {
  const wanted = new Map<string, { i: number; kind: 'note' | 'message' }>();
  const items: Item[] = [];
  let stop = false;

  /** Writes the item of each wanted escalation once it is linked (its conversation known), polling every second. */
  const writer = async () => {
    while (!stop) {
      await sleep(1_000);
      const ids = [...wanted.keys()];
      if (!ids.length) continue;
      let linked: { id: string; request_id: string; remote_id: string }[];
      try {
        linked = (
          await o.pool.query<{ id: string; request_id: string; remote_id: string }>(
            `select id::text, request_id::text, remote_id from escalations where id = any($1::uuid[]) and state = 'linked' and remote_id is not null`,
            [ids],
          )
        ).rows;
      } catch {
        continue; // Postgres is restarting
      }
      for (const e of linked) {
        const w = wanted.get(e.id)!;
        wanted.delete(e.id);
        const files = filesFor(w.i, w.kind, o.runTag);
        const attachments = files.map((f) => ({ name: f.name, contentType: f.contentType, contentBase64: f.bytes.toString('base64') }));
        const body = `Chaos ${o.runTag}: ${w.kind} with files on escalation ${w.i}`;
        const written =
          w.kind === 'note'
            ? o.control.addNote({ org: o.org, id: e.remote_id, body, attachments })
            : o.control.addMessage({ org: o.org, id: e.remote_id, body, direction: 'in', attachments });
        items.push({
          escalationId: e.id,
          requestId: e.request_id,
          kind: w.kind,
          remoteId: written.id,
          files: files.map((f) => ({ name: f.name, sha256: sha(f.bytes) })),
          duringFaults: !o.faultsOver(),
        });
      }
    }
  };
  const writing = writer();

  /** Per written item: its entries on the request, and the digests of the files attached to them. */
  async function arrived() {
    const { rows } = await o.pool.query<{ remote_id: string; request_id: string; entries: number; digests: string[] | null; ids: string[] | null }>(
      `select e.data->>'remoteId' remote_id, e.request_id::text, count(distinct e.id)::int entries,
              array_agg(a.sha256 order by a.id) filter (where a.id is not null) digests, array_agg(a.id::text order by a.id) filter (where a.id is not null) ids
         from timeline_entries e left join attachments a on a.timeline_entry_id = e.id
        where e.type in ('sync.note_received', 'sync.message_received') and e.data->>'remoteId' = any($1::text[])
        group by 1, 2`,
      [items.map((x) => x.remoteId)],
    );
    return new Map(rows.map((r) => [r.remote_id, r]));
  }

  return {
    /** An escalation of the load, submitted `early` (in the first half of the load) or not, that may get a thread item with files once linked. */
    want(escalationId: string, i: number, early: boolean) {
      const kind = early ? remoteItemFor(i) : null;
      if (kind) wanted.set(escalationId, { i, kind });
    },
    /** Stops writing (after the drain: an escalation linked by then has its item). */
    async stop() {
      stop = true;
      await writing;
    },
    /** Items not yet on their request with all their files (the drain waits for 0), and escalations not yet written to. */
    async pending(): Promise<number> {
      const got = await arrived();
      return wanted.size + items.filter((x) => (got.get(x.remoteId)?.digests?.length ?? 0) < x.files.length).length;
    },
    /** The checks: each item once on its request, each of its files once on that entry, downloading with Kustomer's bytes. */
    async checks(download: (attachmentId: string) => Promise<Buffer>): Promise<{ checks: Check[]; figure: string }> {
      const got = await arrived();
      const entryProblems: string[] = [];
      const fileProblems: string[] = [];
      const byteProblems: string[] = [];
      let copies = 0;
      for (const x of items) {
        const g = got.get(x.remoteId);
        if (!g || g.entries !== 1 || g.request_id !== x.requestId)
          entryProblems.push(`${x.kind} ${x.remoteId} (escalation ${x.escalationId}): ${g ? `${g.entries} entries on request ${g.request_id}` : 'no entry'}`);
        const digests = g?.digests ?? [];
        const want = x.files.map((f) => f.sha256);
        const missing = want.filter((h) => !digests.includes(h)).length;
        const extra = digests.length - (want.length - missing);
        if (missing || extra) fileProblems.push(`${x.kind} ${x.remoteId}: ${missing} missing, ${extra} duplicated or foreign`);
        for (const id of g?.ids ?? []) {
          copies += 1;
          const h = sha(await download(id).catch(() => Buffer.alloc(0)));
          if (!want.includes(h)) byteProblems.push(`attachment ${id} of ${x.kind} ${x.remoteId}: sha256 ${h.slice(0, 12)}…`);
        }
      }
      const notWritten = [...wanted.keys()].map((id) => `escalation ${id} never linked`);
      const { rows: loose } = await o.pool.query<{ n: number }>(
        `select count(*)::int n from attachments where remote_file_id is not null and timeline_entry_id is null`,
      );
      const { rows: notCopied } = await o.pool.query<{ n: number }>(`select count(*)::int n from timeline_entries where type = 'sync.files_not_copied'`);
      const fileCount = items.reduce((n, x) => n + x.files.length, 0);
      const bad = (name: string, problems: string[], found: string): Check => ({
        name,
        ok: problems.length === 0,
        detail: `${found}${problems.length ? `; ${problems.length} wrong: e.g. ${problems.slice(0, 3).join('; ')}` : ''}`,
      });
      return {
        checks: [
          bad('every Kustomer note or message with files was written on its linked conversation', notWritten, `${items.length} written`),
          bad('each Kustomer note or message with files is on its request exactly once', entryProblems, `${items.length} checked`),
          bad(
            'every file from Kustomer is on its entry exactly once (0 missing, 0 duplicated)',
            fileProblems,
            `${fileCount} files on ${items.length} notes and messages`,
          ),
          bad('every file copied from Kustomer downloads through the API with Kustomer’s bytes (sha256)', byteProblems, `${copies} downloaded`),
          bad('no file from Kustomer given up (sync.files_not_copied)', notCopied[0]!.n ? [`${notCopied[0]!.n} entries`] : [], `${notCopied[0]!.n}`),
        ],
        figure:
          `${items.filter((x) => x.kind === 'note').length} notes and ${items.filter((x) => x.kind === 'message').length} customer messages with ${fileCount} files written in Kustomer ` +
          `(${items.filter((x) => x.duringFaults).length} during the faults); ${copies} copies on the timeline; ${loose[0]!.n} copies stored but left unattached (a worker killed between storing and attaching: removed by prune-attachments)`,
      };
    },
  };
}
