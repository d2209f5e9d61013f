-- pilotd schema, version 6: shared demand. A waiting job calls for one waiting pilot, however
-- many queues can serve it (DESIGN §3.1).
--
-- Each pilot records the task queues its queue matched (with waiting jobs) when it was
-- decided. A queue's demand is then: the waiting jobs of the task queues it matches, less the
-- pilots not yet running of every queue submitted for any of those task queues, and its own
-- (each pilot counted once, however many task queues it was submitted for), never below zero.
-- Both sides count cores: a job its task queue's processors, a pilot its queue's processors,
-- so a multi-core pilot covers as many jobs as it holds cores of; the result is in pilots of
-- the queue asking (rounded up).

alter table pilot add column task_queues bigint[] not null default '{}';

comment on column pilot.task_queues is 'the task queues this pilot was submitted for';

-- The pilots that cover jobs: not yet running, found by task queue.
create index pilot_waiting_by_task_queue on pilot using gin (task_queues)
    where status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled', 'Unknown');

create function queue_shared_demand(queues text[])
returns table (queue text, waiting_jobs integer, job_cores bigint, covering_pilots integer, covering_cores bigint,
               demand integer)
language sql stable as $$
    with asking as (
        select name, processors from queue where name = any (queues)
    ),
    -- the task queues each asking queue serves (matched first, so that the matching rules run
    -- once per task queue, never once per job), then their waiting jobs, counted by index
    served as materialized (
        select m.queue, m.tq_id from queue_task_queue_match m join asking a on a.name = m.queue
    ),
    matched as (
        select s.queue, s.tq_id, tq.processors, w.jobs
        from served s
        join task_queue tq on tq.id = s.tq_id
        cross join lateral (select count(*) as jobs from task_queue_job j
                            where j.tq_id = s.tq_id and j.status = 'Waiting') w
        where w.jobs > 0
    ),
    jobs as (
        select queue, sum(jobs)::integer as jobs, sum(jobs * processors)::bigint as cores, array_agg(tq_id) as tqs
        from matched group by queue
    ),
    -- the pilots not yet running that cover an asking queue's jobs: its own, and any queue's
    -- submitted for one of its task queues; a union, so each pilot counts once
    covering as (
        select a.name as queue, count(w.id)::integer as pilots, sum(w.processors)::bigint as cores
        from asking a
        left join jobs j on j.queue = a.name
        cross join lateral (
            select p.id, pq.processors from pilot p join queue pq on pq.name = p.queue
            where p.queue = a.name and p.status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled', 'Unknown')
            union
            select p.id, pq.processors from pilot p join queue pq on pq.name = p.queue
            where p.task_queues && coalesce(j.tqs, '{}')
              and p.status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled', 'Unknown')
        ) w
        group by a.name
    )
    select a.name,
           coalesce(j.jobs, 0),
           coalesce(j.cores, 0),
           coalesce(c.pilots, 0),
           coalesce(c.cores, 0),
           greatest(0, ceil((coalesce(j.cores, 0) - coalesce(c.cores, 0))::numeric / a.processors))::integer
    from asking a
    left join jobs j on j.queue = a.name
    left join covering c on c.queue = a.name
$$;

comment on function queue_shared_demand(text[]) is
    'per queue: matching waiting jobs, the waiting pilots of any queue covering them, and the pilots still needed';

-- The cycle records the waiting jobs beside the demand (what they still call for).
alter table director_cycle add column waiting_jobs integer not null default 0;
