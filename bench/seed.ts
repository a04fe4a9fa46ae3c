/**
 * Set-based seed for the API benchmark: a service desk two years into its life. Everything is INSERT ... SELECT
 * over generate_series inside Postgres (no row crosses the wire), seeded with setseed() so every run builds the
 * same data.
 *
 * Shape (defaults): 40 agents, 3,000 requesters, 6 inboxes, 24 services, 100,000 requests numbered in creation
 * order over ~2 years (the newest 5% mostly open, older ones mostly resolved or archived), 0-3 tags each from a
 * skewed vocabulary, titles and descriptions drawn from a Zipf-like word list (so some words are common and some
 * rare, as in real tickets), and 2-8 timeline entries per request (~5 on average) inserted in time order, so one
 * request's entries are spread over the table as they would be in production. One request (BIG_REQUEST_NUMBER)
 * has exactly 1,000 timeline entries.
 */
import type pg from 'pg';

export interface SeedOptions {
  requests: number;
  /** number of the request that gets a 1,000-entry timeline */
  bigRequestNumber: number;
  bigTimelineEntries: number;
  progress?: (line: string) => void;
}

export interface SeedResult {
  requests: number;
  timelineEntries: number;
  users: number;
  /** ms per step */
  steps: { name: string; ms: number }[];
}

// Stop words first: the 'simple' text search configuration keeps them, so they are in nearly every request.
const WORDS = [
  'the',
  'to',
  'i',
  'and',
  'a',
  'is',
  'my',
  'not',
  'on',
  'in',
  'it',
  'for',
  'of',
  'can',
  'with',
  'this',
  'we',
  'after',
  'please',
  'when',
  'cannot',
  'since',
  'from',
  'me',
  'access',
  'error',
  'working',
  'need',
  'new',
  'laptop',
  'help',
  'login',
  'email',
  'account',
  'password',
  'issue',
  'request',
  'team',
  'today',
  'again',
  'still',
  'update',
  'screen',
  'install',
  'software',
  'office',
  'teams',
  'outlook',
  'vpn',
  'printer',
  'network',
  'wifi',
  'reset',
  'license',
  'setup',
  'meeting',
  'room',
  'slow',
  'broken',
  'missing',
  'shared',
  'drive',
  'folder',
  'permission',
  'phone',
  'mobile',
  'monitor',
  'keyboard',
  'mouse',
  'headset',
  'badge',
  'desk',
  'chair',
  'building',
  'floor',
  'parking',
  'invoice',
  'expense',
  'payroll',
  'contract',
  'onboarding',
  'offboarding',
  'hardware',
  'replacement',
  'upgrade',
  'windows',
  'macos',
  'linux',
  'browser',
  'chrome',
  'firefox',
  'certificate',
  'expired',
  'timeout',
  'connection',
  'server',
  'database',
  'backup',
  'restore',
  'deleted',
  'file',
  'sharepoint',
  'calendar',
  'invite',
  'group',
  'distribution',
  'list',
  'mailbox',
  'quota',
  'storage',
  'disk',
  'full',
  'crash',
  'freeze',
  'blue',
  'black',
  'battery',
  'charger',
  'dock',
  'usb',
  'bluetooth',
  'camera',
  'microphone',
  'audio',
  'video',
  'zoom',
  'slack',
  'jira',
  'confluence',
  'github',
  'salesforce',
  'workday',
  'sso',
  'mfa',
  'authenticator',
  'token',
  'locked',
  'out',
  'unlock',
  'approve',
  'approval',
  'manager',
  'budget',
  'purchase',
  'order',
  'vendor',
  'quote',
  'delivery',
  'shipping',
  'address',
  'relocation',
  'visitor',
  'guest',
  'key',
  'card',
  'door',
  'light',
  'heating',
  'air',
  'conditioning',
  'leak',
  'water',
  'kitchen',
  'coffee',
  'machine',
  'cleaning',
  'noise',
  'security',
  'phishing',
  'suspicious',
  'virus',
  'malware',
  'antivirus',
  'firewall',
  'port',
  'dns',
  'domain',
  'proxy',
  'ip',
  'static',
  'dhcp',
  'router',
  'switch',
  'cable',
  'ethernet',
  'projector',
  'hdmi',
  'adapter',
  'tablet',
  'ipad',
  'iphone',
  'android',
  'sim',
  'roaming',
  'voicemail',
  'extension',
  'headcount',
  'hire',
  'start',
  'date',
  'leaving',
  'equipment',
  'return',
  'courier',
  'label',
  'scanner',
  'toner',
  'paper',
  'jam',
  'tray',
  'colour',
  'duplex',
  'driver',
  'firmware',
  'patch',
  'reboot',
  'restart',
  'loop',
  'boot',
  'bios',
  'encryption',
  'bitlocker',
  'recovery',
  'admin',
  'rights',
  'elevated',
  'script',
  'macro',
  'excel',
  'word',
  'powerpoint',
  'pdf',
  'signature',
  'template',
  'font',
  'language',
  'keyboard-layout',
  'timezone',
  'clock',
  'sync',
  'conflict',
  'duplicate',
  'merge',
  'export',
  'import',
  'report',
  'dashboard',
  'chart',
  'pivot',
  'formula',
  'api',
  'integration',
  'webhook',
  'kustomer',
  'escalation',
  'sla',
  'urgent',
  'customer',
  'complaint',
  'refund',
  'billing',
  'tax',
  'receipt',
  'reimbursement',
  'travel',
  'booking',
  'hotel',
  'flight',
  'visa',
  'insurance',
];

const FIRST = [
  'Alex',
  'Sam',
  'Jordan',
  'Taylor',
  'Morgan',
  'Casey',
  'Riley',
  'Jamie',
  'Avery',
  'Quinn',
  'Priya',
  'Wei',
  'Fatima',
  'Lukas',
  'Sofia',
  'Mateo',
  'Aisha',
  'Kenji',
  'Olga',
  'Noah',
];
const LAST = [
  'Smith',
  'Garcia',
  'Müller',
  'Kim',
  'Patel',
  'Nguyen',
  'Rossi',
  'Silva',
  'Okafor',
  'Novak',
  'Cohen',
  'Jensen',
  'Dubois',
  'Tanaka',
  'Kowalski',
  'Haddad',
  'Brown',
  'Lopez',
  'Ivanova',
  'Murphy',
  'Schmidt',
  'Chen',
  'Singh',
  'Moreau',
  'Larsen',
];
const INBOXES = ['IT Support', 'Workplace', 'People', 'Finance', 'Security', 'Procurement'];
const SERVICES: [string, string][] = [
  ['Laptop and desktop', 'IT Support'],
  ['Accounts and passwords', 'IT Support'],
  ['Email and calendar', 'IT Support'],
  ['VPN and network', 'IT Support'],
  ['Printing', 'IT Support'],
  ['Software install', 'IT Support'],
  ['Phones and mobile', 'IT Support'],
  ['Meeting rooms and AV', 'Workplace'],
  ['Access badges', 'Workplace'],
  ['Facilities repair', 'Workplace'],
  ['Desk moves', 'Workplace'],
  ['Parking', 'Workplace'],
  ['Onboarding', 'People'],
  ['Offboarding', 'People'],
  ['Payroll question', 'People'],
  ['Leave and absence', 'People'],
  ['Expense claims', 'Finance'],
  ['Invoices and vendors', 'Finance'],
  ['Travel booking', 'Finance'],
  ['Phishing report', 'Security'],
  ['Access review', 'Security'],
  ['Lost or stolen device', 'Security'],
  ['Hardware purchase', 'Procurement'],
  ['Software licence', 'Procurement'],
];
const TAGS = [
  'hardware',
  'software',
  'access',
  'vpn',
  'email',
  'printer',
  'onboarding',
  'vip',
  'outage',
  'network',
  'laptop',
  'mobile',
  'security',
  'facilities',
  'finance',
  'payroll',
  'license',
  'escalated',
  'kustomer',
  'sla-risk',
  'follow-up',
  'duplicate',
  'remote',
  'london',
  'berlin',
  'austin',
  'pune',
  'audit',
  'procurement',
  'training',
];

/** Seeds an empty, migrated database through `client` (a superuser connection). Returns counts and step times. */
export async function seed(client: pg.Client, opts: SeedOptions): Promise<SeedResult> {
  const steps: SeedResult['steps'] = [];
  const step = async (name: string, text: string, params: unknown[] = []) => {
    const t0 = performance.now();
    await client.query(text, params);
    steps.push({ name, ms: performance.now() - t0 });
    opts.progress?.(`  seed ${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
  await client.query(`set synchronous_commit = off`);
  await client.query(`set work_mem = '256MB'`);
  await client.query(`set maintenance_work_mem = '512MB'`);
  await client.query(`select setseed(0.42)`);

  await step(
    'users',
    `insert into users (email, name, role, department, title, location, created_at)
     select 'agent' || i || '@bench.example', f.a[1 + i % 20] || ' ' || l.a[1 + (i * 7) % 25], 'agent', 'IT', 'Support engineer',
            (array['London','Berlin','Austin','Pune'])[1 + i % 4], now() - interval '800 days'
       from generate_series(1, 40) i, (select $1::text[] a) f, (select $2::text[] a) l
     union all
     select 'person' || i || '@bench.example', f.a[1 + i % 20] || ' ' || l.a[1 + (i / 20) % 25], 'requester',
            (array['Sales','Engineering','Finance','People','Marketing','Operations','Legal','Support'])[1 + i % 8], null,
            (array['London','Berlin','Austin','Pune','Remote'])[1 + i % 5], now() - interval '800 days'
       from generate_series(1, 3000) i, (select $1::text[] a) f, (select $2::text[] a) l`,
    [FIRST, LAST],
  );
  await step('inboxes', `insert into inboxes (name, description) select n, n || ' queue' from unnest($1::text[]) n`, [INBOXES]);
  await step(
    'services',
    `insert into services (name, default_inbox_id)
     select s.name, (select id from inboxes where name = s.inbox) from unnest($1::text[], $2::text[]) as s(name, inbox)`,
    [SERVICES.map((s) => s[0]), SERVICES.map((s) => s[1])],
  );
  // Lookup tables keyed 1..n, joined on precomputed random keys. (Subscripting large arrays built with array_agg
  // row by row costs ~1 ms a row here; hash joins on integer keys cost microseconds.)
  await step(
    'lookup tables',
    `create temp table bench_agents as select row_number() over (order by email)::int i, id from users where role = 'agent';
     create temp table bench_requesters as select row_number() over (order by email)::int i, id from users where role = 'requester';
     create temp table bench_services as select row_number() over (order by name)::int i, id, default_inbox_id from services;
     create unique index on bench_agents (i);
     create unique index on bench_requesters (i);
     create unique index on bench_services (i);`,
  );
  // Pools of titles and of sentences (descriptions, comments); the word index is skewed (power 3) towards the
  // start of WORDS, so early words are common and late ones rarer.
  await step(
    'titles',
    `create temp table bench_titles as
     select i, initcap((select string_agg(($1::text[])[1 + floor(power(random(), 3) * cardinality($1::text[]))::int], ' ')
                          from generate_series(1, 3 + (i % 5)) k)) as t
       from generate_series(1, 20000) i`,
    [WORDS],
  );
  await step(
    'sentences',
    `create temp table bench_sentences as
     select i, (select string_agg(($1::text[])[1 + floor(power(random(), 3) * cardinality($1::text[]))::int], ' ')
                  from generate_series(1, 8 + (i % 13)) k) || '.' as s
       from generate_series(1, 5000) i`,
    [WORDS],
  );
  await client.query(
    `create unique index on bench_titles (i); create unique index on bench_sentences (i); analyze bench_agents, bench_requesters, bench_services, bench_titles, bench_sentences`,
  );

  await step(
    'requests',
    `with base as (
            select g, g > $2::int * 0.95 as recent, random() rs, random() rp, random() ra, random() rsv, random() rrq,
                   random() rc, random() rt, random() rcf, random() rd
              from generate_series(1, $2::int) g
            offset 0
          ),
          shaped as (
            select b.*,
                   case when b.recent then
                          case when b.rs < .30 then 'new' when b.rs < .62 then 'in_progress' when b.rs < .85 then 'waiting' else 'resolved' end
                        else
                          case when b.rs < .01 then 'new' when b.rs < .05 then 'in_progress' when b.rs < .08 then 'waiting'
                               when b.rs < .78 then 'resolved' else 'archived' end
                   end as status,
                   now() - (($2::int - b.g) * interval '10 minutes') - (b.rc * interval '9 minutes') as created_at,
                   1 + floor(power(b.rrq, 1.3) * (select count(*) from bench_requesters))::int as rq_i,
                   case when b.rc < .85 then null else 1 + (b.g % (select count(*) from bench_agents))::int end as cb_i,
                   case when b.rsv < .05 then null else 1 + floor(power(b.rsv, 1.4) * (select count(*) from bench_services))::int end as sv_i,
                   1 + floor(random() * 20000)::int as t_i,
                   1 + floor(random() * 5000)::int as s1_i,
                   1 + floor(random() * 5000)::int as s2_i,
                   1 + floor(power(random(), 1.5) * (select count(*) from bench_agents))::int as ag_i
              from base b
            offset 0
          )
     insert into requests (title, description, requester_id, created_by_id, assignee_id, inbox_id, service_id, status,
                           priority, tags, custom_fields, channel, created_at, updated_at, resolved_at)
     select
       t.t,
       s1.s || ' ' || s2.s || ' Asset LT-' || lpad((floor(s.rd * 60000))::text, 5, '0') || '.',
       rq.id,
       coalesce(cb.id, rq.id),
       case when s.status = 'new' and s.ra < .7 then null when s.ra < .03 then null else ag.id end,
       coalesce(sv.default_inbox_id, (select id from inboxes order by name limit 1)),
       sv.id,
       s.status,
       case when s.rp < .25 then 'low' when s.rp < .75 then 'medium' when s.rp < .95 then 'high' else 'urgent' end,
       array(select distinct ($1::text[])[1 + floor(power(random(), 1.6) * cardinality($1::text[]))::int]
               from generate_series(1, floor(s.rt * 4)::int) k),
       case when s.rcf < .3 then jsonb_build_object('impact', (array['one person','team','department','company'])[1 + (s.g % 4)],
                                                    'asset_tag', 'LT-' || (s.g % 60000))
            else '{}'::jsonb end,
       case when s.rc < .6 then 'web' when s.rc < .9 then 'email' else 'api' end,
       s.created_at,
       least(now(), s.created_at + s.rd * interval '4 days'),
       case when s.status in ('resolved', 'archived') then least(now(), s.created_at + s.rd * interval '4 days') end
     from shaped s
     join bench_titles t on t.i = s.t_i
     join bench_sentences s1 on s1.i = s.s1_i
     join bench_sentences s2 on s2.i = s.s2_i
     join bench_requesters rq on rq.i = s.rq_i
     join bench_agents ag on ag.i = s.ag_i
     left join bench_agents cb on cb.i = s.cb_i
     left join bench_services sv on sv.i = s.sv_i
     order by s.g`,
    [TAGS, opts.requests],
  );

  // Timeline: request.created first, then replies, internal notes, status and assignee changes, spread between the
  // request's creation and its last update; the big request's entries run from its creation to now. Inserted in
  // time order, like production.
  await step(
    'timeline',
    `with plan as (
            select r.id, r.number, r.title, r.priority, r.tags, r.requester_id, r.assignee_id, r.created_at,
                   case when r.number = $1::bigint then now() else greatest(r.updated_at, r.created_at + interval '1 minute') end as until,
                   case when r.number = $1::bigint then $2::int else 2 + ((r.number * 7919) % 7)::int end as n
              from requests r
          ),
          entries as (
            select p.*, k, random() rk, random() ra,
                   1 + floor(random() * (select count(*) from bench_agents))::int as ag_i,
                   1 + floor(random() * 5000)::int as s1_i,
                   1 + floor(random() * 5000)::int as s2_i
              from plan p cross join lateral generate_series(1, p.n) k
            offset 0
          )
     insert into timeline_entries (request_id, type, actor_type, actor_user_id, visibility, data, created_at)
     select e.id,
            case when e.k = 1 then 'request.created'
                 when e.rk < .45 then 'comment.public_reply'
                 when e.rk < .60 then 'comment.internal_note'
                 when e.rk < .85 then 'request.status_changed'
                 else 'request.assignee_changed' end,
            'user',
            case when e.k = 1 or (e.rk < .45 and e.ra < .5) then e.requester_id else coalesce(e.assignee_id, ag.id) end,
            case when e.k > 1 and e.rk >= .45 and e.rk < .60 then 'internal' else 'public' end,
            case when e.k = 1 then jsonb_build_object('title', e.title, 'priority', e.priority, 'status', 'new',
                                                      'tags', to_jsonb(e.tags), 'onBehalf', false, 'customFields', '{}'::jsonb)
                 when e.rk < .60 then jsonb_build_object('body', s1.s || ' ' || s2.s)
                 when e.rk < .85 then jsonb_build_object('before', (array['new','in_progress','waiting'])[1 + (e.k % 3)],
                                                         'after', (array['in_progress','waiting','in_progress'])[1 + (e.k % 3)])
                 else jsonb_build_object('before', null, 'after', coalesce(e.assignee_id, ag.id)) end,
            e.created_at + (e.until - e.created_at) * ((e.k - 1)::float8 / greatest(e.n - 1, 1)) as at
       from entries e
       join bench_agents ag on ag.i = e.ag_i
       join bench_sentences s1 on s1.i = e.s1_i
       join bench_sentences s2 on s2.i = e.s2_i
      order by at`,
    [opts.bigRequestNumber, opts.bigTimelineEntries],
  );
  await step('big request updated_at', `update requests set updated_at = now() where number = $1::bigint`, [opts.bigRequestNumber]);
  await step('drop temp', `drop table bench_agents, bench_requesters, bench_services, bench_titles, bench_sentences`);

  const counts = await client.query<{ requests: string; timeline: string; users: string }>(
    `select (select count(*) from requests) requests, (select count(*) from timeline_entries) timeline, (select count(*) from users) users`,
  );
  const c = counts.rows[0]!;
  return { requests: Number(c.requests), timelineEntries: Number(c.timeline), users: Number(c.users), steps };
}

/** Settles the freshly loaded tables the way autovacuum would on a live system, and flushes dirty pages. */
export async function settle(client: pg.Client): Promise<SeedResult['steps']> {
  const steps: SeedResult['steps'] = [];
  for (const [name, text] of [
    ['vacuum analyze', 'vacuum (analyze)'],
    ['checkpoint', 'checkpoint'],
  ] as const) {
    const t0 = performance.now();
    await client.query(text);
    steps.push({ name, ms: performance.now() - t0 });
  }
  return steps;
}
