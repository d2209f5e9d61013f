-- pilotd schema, version 13: what bench/run rounds showed at 1,000 queues.
--
-- A cycle's page of pilots to follow was read by walking the primary key and filtering on the
-- driver set-up (22 ms a call beside 100,000 live pilots): the live pilots of a set-up are now
-- indexed in id order.
drop index pilot_live_by_setup;
create index pilot_live_by_setup on pilot (driver_setup_id, id)
    where status not in ('Done', 'Failed', 'Aborted', 'Deleted');

-- The matching rules ran for every queue, then were joined to the asking ones (the asking CTE
-- is materialized, so nothing was pushed down): 30 ms a decision with 1,000 queues and 100 task
-- queues. They run for the asking queues only.
create or replace function queue_shared_demand(queues text[])
returns table (queue text, waiting_jobs integer, job_cores bigint, covering_pilots integer, covering_cores bigint,
               demand integer)
language sql stable as $$
    with asking as (
        select name, processors from queue where name = any (queues)
    ),
    served as materialized (
        select m.queue, m.tq_id from queue_task_queue_match m where m.queue = any (queues)
    ),
    matched as (
        select s.queue, s.tq_id, tq.processors, w.jobs
        from served s
        join task_queue tq on tq.id = s.tq_id
        join task_queue_waiting w on w.tq_id = s.tq_id
        where w.jobs > 0
    ),
    jobs as (
        select queue, sum(jobs)::integer as jobs, sum(jobs * processors)::bigint as cores, array_agg(tq_id) as tqs
        from matched group by queue
    ),
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

-- The site's row is locked only when the site has a cap: the queues of an uncapped site no
-- longer take turns for nothing.
create or replace function decision_inputs(queue_name text)
returns table (queue_row queue, task_queues bigint[], alive integer, waiting integer, running integer,
               site_max_running integer, site_max_waiting integer, site_max_cores integer,
               site_alive integer, site_waiting integer, site_cores integer,
               waiting_jobs integer, covering_pilots integer, demand integer)
language plpgsql volatile as $$
declare
    q queue;
    tqs bigint[];
    tq bigint;
    capped boolean;
begin
    select * into q from queue where name = queue_name for update;
    if not found then
        raise exception 'queue % is not in the database', queue_name using errcode = 'no_data_found';
    end if;
    -- only a capped site's decisions need to take turns
    select max_running is not null or max_waiting is not null or max_cores is not null into capped
    from site where name = q.site;
    if not found then
        raise exception 'site % is not in the database', q.site using errcode = 'no_data_found';
    end if;
    if capped then
        perform 1 from site where name = q.site for update;
    end if;
    select coalesce(array_agg(m.tq_id order by m.tq_id), '{}') into tqs
    from queue_task_queue_match m join task_queue_waiting w on w.tq_id = m.tq_id and w.jobs > 0
    where m.queue = queue_name;
    -- the key space of task-queue locks (SharedDemand.TASK_QUEUE_LOCKS), two-int keys
    foreach tq in array tqs loop
        perform pg_advisory_xact_lock(17, (tq % 2147483647)::integer);
    end loop;
    return query
    select q, tqs, c.alive, c.waiting, c.running,
           u.max_running, u.max_waiting, u.max_cores, u.alive, u.waiting, u.cores,
           d.waiting_jobs, d.covering_pilots, d.demand
    from (select coalesce(sum(pilots), 0)::integer as alive,
                 coalesce(sum(pilots) filter (where pilot_is_waiting(status)), 0)::integer as waiting,
                 coalesce(sum(pilots) filter (where status = 'Running'), 0)::integer as running
          from queue_pilot_count where queue = queue_name) c,
         site_usage u,
         queue_shared_demand(array[queue_name]) d
    where u.site = q.site;
end;
$$;
