-- pilotd schema, version 13: demand from a live DIRAC installation, instant wake-up, and the
-- outbox of the PilotAgentsDB mirror.
--
-- Demand has one source at a time (config demand.source, written here by the director at
-- start-up): 'pilotd', the task queue of V1's tables, or 'dirac', a snapshot of DIRAC's
-- TaskQueueDB that the director reads every demand.poll and keeps in dirac_task_queue. The
-- matching view and the waiting jobs below read the source in force, so the other's rows weigh
-- nothing, and the decision (R__decision_inputs.sql) is the same call for both.
create table demand_source (
    one           boolean primary key default true check (one),
    name          text not null default 'pilotd' check (name in ('pilotd', 'dirac')),
    -- pilots are copied to DIRAC's PilotAgents table (dirac.pilotAgentsDB)
    mirror        boolean not null default false,
    -- when the mirror was last turned off: what changed since is copied when it is turned on
    mirror_off_since timestamptz,
    -- dirac: when DIRAC's TaskQueueDB was last read
    refreshed_at  timestamptz
);

insert into demand_source default values;

-- DIRAC's task queues with waiting jobs, as last read (tq_TaskQueues with its tq_Jobs counted,
-- and its tq_TQTo* lists). A list holding DIRAC's 'any' is stored empty: both match everything.
create table dirac_task_queue (
    tq_id         bigint primary key,
    owner         text not null,
    owner_group   text not null,
    vo            text not null,
    cpu_time      bigint not null,
    priority      double precision not null,
    jobs          integer not null check (jobs >= 0),
    -- the cores a job takes: its largest <n>Processors tag, 1 without one; null for a WholeNode
    -- job, which takes a whole pilot whatever its size
    processors    integer check (processors >= 1),
    sites         text[] not null default '{}',
    banned_sites  text[] not null default '{}',
    platforms     text[] not null default '{}',
    tags          text[] not null default '{}',
    job_types     text[] not null default '{}',
    grid_ces      text[] not null default '{}'
);

-- DIRAC's JobType of a queue: the job types its pilots take (none: any).
alter table queue add column job_types text[] not null default '{}';

-- The tags a queue offers in DIRAC's matching: its own, and those DIRAC derives from its size
-- (a job asking for 4 processors carries the tags MultiProcessor and 4Processors, one asking
-- for 8 GB the tag 8GB).
create function dirac_offered_tags(tags text[], processors integer, memory_mb integer)
returns text[] language sql immutable as $$
    select tags
        || case when processors > 1 then array['MultiProcessor'] else '{}'::text[] end
        || array(select n || 'Processors' from generate_series(1, processors) n)
        || array(select n || 'GB' from generate_series(1, coalesce(memory_mb, 0) / 1024) n)
$$;

-- DIRAC's 'any' (any case, any punctuation: "ANY", "Any", "any." all count).
create function dirac_is_any(value text) returns boolean language sql immutable as $$
    select lower(regexp_replace(value, '[[:punct:]]', '', 'g')) = 'any'
$$;

-- DIRAC's rules (TaskQueueDB's matching): a task queue's empty list matches every queue;
-- banned sites exclude; every tag the task queue carries must be offered by the queue, and
-- every tag the queue requires carried by the task queue; CPU time within the queue's.
create view dirac_queue_task_queue_match as
select q.name as queue, tq.tq_id
from queue q
join dirac_task_queue tq on true
where (q.vo is null or tq.vo = q.vo)
  and (cardinality(q.owner_groups) = 0 or tq.owner_group = any (q.owner_groups))
  and (q.max_cpu_time is null or tq.cpu_time <= q.max_cpu_time)
  and (cardinality(tq.sites) = 0 or q.site = any (tq.sites))
  and not (q.site = any (tq.banned_sites))
  and (cardinality(tq.grid_ces) = 0 or q.ce = any (tq.grid_ces))
  and (q.platform is null or dirac_is_any(q.platform) or cardinality(tq.platforms) = 0
       or q.platform = any (tq.platforms))
  and (cardinality(q.job_types) = 0 or cardinality(tq.job_types) = 0 or tq.job_types && q.job_types)
  and (tq.tags <@ dirac_offered_tags(q.tags, q.processors, q.memory_mb)
       or exists (select 1 from unnest(q.tags) t where dirac_is_any(t)))
  and q.required_tags <@ tq.tags;

comment on view dirac_queue_task_queue_match is 'the DIRAC task queues each queue can serve, by DIRAC''s rules';

-- pilotd's own rules (V2's view, unchanged), now one source of two.
alter view queue_task_queue_match rename to pilotd_queue_task_queue_match;

comment on view pilotd_queue_task_queue_match is 'the task queues of pilotd''s own task queue each queue can serve';

create view queue_task_queue_match as
select queue, tq_id from pilotd_queue_task_queue_match
where (select name from demand_source) = 'pilotd'
union all
select queue, tq_id from dirac_queue_task_queue_match
where (select name from demand_source) = 'dirac';

comment on view queue_task_queue_match is 'the task queues each queue can serve, of the demand source in force';

-- Waiting jobs per task queue of the source in force, and the cores each job takes (null: a
-- whole pilot).
create view demand_waiting as
select w.tq_id, w.jobs, tq.processors
from task_queue_waiting w join task_queue tq on tq.id = w.tq_id
where w.jobs > 0 and (select name from demand_source) = 'pilotd'
union all
select tq_id, jobs, processors from dirac_task_queue
where jobs > 0 and (select name from demand_source) = 'dirac';

comment on view demand_waiting is 'waiting jobs per task queue, of the demand source in force';

create or replace view queue_demand as
select q.name as queue, coalesce(sum(w.jobs), 0)::integer as waiting_jobs
from queue q
left join queue_task_queue_match m on m.queue = q.name
left join demand_waiting w on w.tq_id = m.tq_id
group by q.name;

-- Instant wake-up: a statement that adds waiting jobs says which task queues got them, on the
-- channel pilotd_waiting_jobs; the director listening there runs the cycles of the queues that
-- serve them. '*' when the ids would not fit a notification (8000 bytes): every queue.
create function task_queue_job_notify() returns trigger language plpgsql as $$
declare
    ids text;
begin
    select string_agg(distinct tq_id::text, ',') into ids from new_jobs where status = 'Waiting';
    if ids is not null then
        perform pg_notify('pilotd_waiting_jobs', case when length(ids) > 7000 then '*' else ids end);
    end if;
    return null;
end;
$$;

create trigger task_queue_job_notify after insert on task_queue_job
    referencing new table as new_jobs
    for each statement execute function task_queue_job_notify();

-- The PilotAgentsDB mirror's outbox: a row per change of a pilot that has a jobRef, written by
-- the statement that changed it while the mirror is on. The mirror copies the pilots' rows as
-- they are then, and deletes the outbox rows it took: a change made meanwhile adds a row of its
-- own, so none is lost, and an outage of DIRAC's database only lets the outbox grow.
create table pilot_agents_outbox (
    id        bigserial primary key,
    pilot_id  bigint not null references pilot (id) on delete cascade
);

create function pilot_agents_enqueue() returns trigger language plpgsql as $$
begin
    if (select mirror from demand_source) then
        insert into pilot_agents_outbox (pilot_id)
        select id from changed_pilots where job_ref is not null order by id;
    end if;
    return null;
end;
$$;

create trigger pilot_agents_enqueue_insert after insert on pilot
    referencing new table as changed_pilots
    for each statement execute function pilot_agents_enqueue();
create trigger pilot_agents_enqueue_update after update on pilot
    referencing new table as changed_pilots
    for each statement execute function pilot_agents_enqueue();
