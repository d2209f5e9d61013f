-- pilotd schema, version 4: sites and their caps over all their queues together.
-- A null cap limits nothing. The cycle locks a queue's site row (after the queue's own row),
-- so that the queues of one site, manual submissions and other directors decide one at a time.

create table site (
    name         text primary key,
    max_running  integer check (max_running >= 1),
    max_waiting  integer check (max_waiting >= 1),
    -- a pilot counts its queue's processors
    max_cores    integer check (max_cores >= 1),
    configured   boolean not null default true,
    updated_at   timestamptz not null default now()
);

insert into site (name, configured)
select distinct site, false from queue
on conflict do nothing;

-- What each site holds now, across its queues.
create view site_usage as
select s.name as site,
       s.max_running,
       s.max_waiting,
       s.max_cores,
       count(p.id)::integer as alive,
       (count(p.id) filter (where p.status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled')))::integer as waiting,
       coalesce(sum(q.processors) filter (where p.id is not null), 0)::integer as cores
from site s
left join queue q on q.site = s.name
left join pilot p on p.queue = q.name and p.status not in ('Done', 'Failed', 'Aborted', 'Deleted')
group by s.name, s.max_running, s.max_waiting, s.max_cores;

comment on view site_usage is 'pilots alive, waiting and cores held per site, beside its caps';
