-- queue_shared_demand(queues): per queue, the waiting jobs of the task queues it serves, the
-- pilots not yet running of any queue that cover them, and the pilots still needed (DESIGN §3.1;
-- V6 says how). The waiting jobs are those of the demand source in force (V13: pilotd's
-- counters, or DIRAC's snapshot; a WholeNode job takes a whole pilot), and the matching rules
-- run for the asking queues only. Repeatable: changing it is an edit of this file.
--     select * from queue_shared_demand(array['ec2-frankfurt-c6i']);
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
        select s.queue, s.tq_id, coalesce(w.processors, a.processors) as processors, w.jobs
        from served s
        join asking a on a.name = s.queue
        join demand_waiting w on w.tq_id = s.tq_id
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
            where p.queue = a.name and pilot_is_waiting(p.status)
            union
            select p.id, pq.processors from pilot p join queue pq on pq.name = p.queue
            where p.task_queues && coalesce(j.tqs, '{}')
              and pilot_is_waiting(p.status)
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
