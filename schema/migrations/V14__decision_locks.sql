-- pilotd schema, version 14: what bench/run rounds showed of capped sites.
--
-- A capped site's decision reads its queues by site (it scanned them all: 1,000 rows for a
-- site's 10).
create index queue_by_site on queue (site);

-- The decision's locks on its queue and its capped site are advisory (key spaces 19 and 18,
-- beside 17 for task queues): a row lock writes the row and the WAL, so every decision, even
-- one that starts nothing, waited for a WAL flush at its commit. Every decider takes them here,
-- in the same order as before.
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
    perform pg_advisory_xact_lock(19, hashtext(queue_name));
    select * into q from queue where name = queue_name;
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
        perform pg_advisory_xact_lock(18, hashtext(q.site));
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
