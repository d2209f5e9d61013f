-- pilotd schema, version 5: what real clouds need.
-- * A pilot the cloud does not show running is waiting, Unknown included (a cloud may be slow
--   to list a new resource): one definition, used by every count.
-- * Each queue has a consistency window (how long a new resource may be missing from the
--   cloud's listings) and a max lifetime (when its pilots are ended, by the cloud and by us).
-- * Each pilot records the driver set-up it was started with, so that the pilots of a queue
--   removed from the config, renamed or moved to another driver are still followed to their end.
-- * The cycle record counts the orphans its sweep killed.

create function pilot_is_waiting(status text) returns boolean
    language sql immutable parallel safe
    as $$ select status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled', 'Unknown') $$;

comment on function pilot_is_waiting(text) is 'alive but not seen running: counts against maxWaiting';

alter table queue
    add column consistency_window_seconds integer check (consistency_window_seconds >= 0),
    add column max_lifetime_seconds integer not null default 172800 check (max_lifetime_seconds > 0);

-- A queue's driver with its parameters, as the config gave them at some start of the daemon.
create table driver_setup (
    id          bigserial primary key,
    queue       text not null references queue (name),
    driver      text not null,
    parameters  jsonb not null default '{}',
    created_at  timestamptz not null default now(),
    unique (queue, driver, parameters)
);

comment on table driver_setup is 'the driver and parameters each pilot was started with';

alter table queue add column driver_setup_id bigint references driver_setup (id);
alter table pilot add column driver_setup_id bigint references driver_setup (id);

create index pilot_live_by_setup on pilot (driver_setup_id)
    where status not in ('Done', 'Failed', 'Aborted', 'Deleted');

alter table director_cycle add column orphans_killed integer not null default 0;

create or replace view site_usage as
select s.name as site,
       s.max_running,
       s.max_waiting,
       s.max_cores,
       count(p.id)::integer as alive,
       (count(p.id) filter (where pilot_is_waiting(p.status)))::integer as waiting,
       coalesce(sum(q.processors) filter (where p.id is not null), 0)::integer as cores
from site s
left join queue q on q.site = s.name
left join pilot p on p.queue = q.name and p.status not in ('Done', 'Failed', 'Aborted', 'Deleted')
group by s.name, s.max_running, s.max_waiting, s.max_cores;
