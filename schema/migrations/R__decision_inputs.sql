-- decision_inputs(queue): what a decision reads, in one call. It takes the decision's locks in
-- the order every decider takes them, all transaction-scoped advisory locks (a row lock writes
-- the row and the WAL, so a decision that starts nothing would wait for a WAL flush): the
-- queue's (key space 19), its site's when the site has a cap (18), then the task queues' it
-- serves with waiting jobs, in id order (17). Then it reads the queue, its counters, its site's
-- caps and usage, and its demand, each after the locks, in one round trip instead of eight.
-- Volatile, so that each read takes a snapshot after the locks it waited for. Repeatable:
-- changing it is an edit of this file (its columns too: it is dropped first).
drop function if exists decision_inputs(text);

create function decision_inputs(queue_name text)
returns table (queue_row queue, task_queues bigint[], alive integer, waiting integer, running integer, unresolved integer,
               site_max_running integer, site_max_waiting integer, site_max_cores integer,
               site_alive integer, site_waiting integer, site_cores integer,
               waiting_jobs integer, covering_pilots integer, demand integer,
               work_judged integer, work_empty integer)
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
    from queue_task_queue_match m join demand_waiting w on w.tq_id = m.tq_id
    where m.queue = queue_name;
    -- the key space of task-queue locks (SharedDemand.TASK_QUEUE_LOCKS), two-int keys
    foreach tq in array tqs loop
        perform pg_advisory_xact_lock(17, (tq % 2147483647)::integer);
    end loop;
    -- the hold-back rule's judges (HoldBack): its latest pilots that ran and ended in the last day
    -- with their jobs known, a window of them (none when the rule is off)
    return query
    select q, tqs, c.alive, c.waiting, c.running, c.unresolved,
           u.max_running, u.max_waiting, u.max_cores, u.alive, u.waiting, u.cores,
           d.waiting_jobs, d.covering_pilots, d.demand, w.judged, w.empty
    from supply_of(queue_name) c,
         site_usage u,
         queue_shared_demand(array[queue_name]) d,
         (select count(*)::integer as judged, (count(*) filter (where l.jobs = 0))::integer as empty
          from (select p.jobs from pilot p
                where p.queue = queue_name and p.jobs is not null and p.started_at is not null
                  and p.finished_at >= now() - interval '1 day'
                order by p.finished_at desc limit q.empty_pilots_window) l) w
    where u.site = q.site;
end;
$$;

comment on function decision_inputs(text) is
    'locks a queue for its decision (queue, site, task queues) and reads what the decision needs';
