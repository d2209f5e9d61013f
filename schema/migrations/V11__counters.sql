-- pilotd schema, version 11: counters, so that what a decision reads does not grow with what it
-- counts. A queue's live pilots by status, and a task queue's waiting jobs, are kept by
-- statement-level triggers: one upsert per statement, whatever its rows, the same transaction
-- as the change (so a decision under its queue's lock reads them as exactly as it read the rows).
--
-- Each trigger sums its transition tables apart (new rows +1, old rows -1) and never joins them:
-- transition tables have no statistics, and a join of two was planned as a nested loop (42 s for
-- 20,000 rows). Deltas are applied in key order, so two statements never wait on each other in
-- a cycle.

create table queue_pilot_count (
    queue   text not null references queue (name),
    status  text not null,
    pilots  integer not null check (pilots >= 0),
    primary key (queue, status)
);

comment on table queue_pilot_count is 'live pilots of each queue by status, kept by the pilot_counted triggers';

-- Adds each (queue, status, n) to its counter, in key order.
create function pilot_count_add(queues text[], statuses text[], deltas bigint[]) returns void language plpgsql as $$
declare
    d record;
begin
    for d in select * from unnest(queues, statuses, deltas) as u(queue, status, n) where n <> 0 order by queue, status
    loop
        update queue_pilot_count set pilots = pilots + d.n where queue = d.queue and status = d.status;
        if not found then
            insert into queue_pilot_count (queue, status, pilots) values (d.queue, d.status, d.n)
            on conflict (queue, status) do update set pilots = queue_pilot_count.pilots + excluded.pilots;
        end if;
    end loop;
end;
$$;

-- A final status is not counted: the counters hold live pilots only. Each transition table is
-- read by its own branch (a statement naming one the trigger has not is refused).
create function pilot_counted() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform pilot_count_add(array_agg(queue), array_agg(status), array_agg(n))
        from (select queue, status, count(*) as n from new_rows
              where status not in ('Done', 'Failed', 'Aborted', 'Deleted') group by queue, status) d;
    elsif tg_op = 'UPDATE' then
        perform pilot_count_add(array_agg(queue), array_agg(status), array_agg(n))
        from (select queue, status, sum(delta)::bigint as n from (
                  select queue, status, 1 as delta from new_rows where status not in ('Done', 'Failed', 'Aborted', 'Deleted')
                  union all
                  select queue, status, -1 from old_rows where status not in ('Done', 'Failed', 'Aborted', 'Deleted')
              ) deltas group by queue, status) d;
    else
        perform pilot_count_add(array_agg(queue), array_agg(status), array_agg(-n))
        from (select queue, status, count(*) as n from old_rows
              where status not in ('Done', 'Failed', 'Aborted', 'Deleted') group by queue, status) d;
    end if;
    return null;
end;
$$;

create trigger pilot_counted_insert after insert on pilot
    referencing new table as new_rows for each statement execute function pilot_counted();
create trigger pilot_counted_update after update on pilot
    referencing old table as old_rows new table as new_rows for each statement execute function pilot_counted();
create trigger pilot_counted_delete after delete on pilot
    referencing old table as old_rows for each statement execute function pilot_counted();

insert into queue_pilot_count (queue, status, pilots)
select queue, status, count(*) from pilot
where status not in ('Done', 'Failed', 'Aborted', 'Deleted')
group by queue, status;

create table task_queue_waiting (
    tq_id  bigint primary key references task_queue (id) on delete cascade,
    jobs   integer not null check (jobs >= 0)
);

comment on table task_queue_waiting is 'waiting jobs of each task queue, kept by the task_queue_job_counted triggers';

-- Adds each (task queue, n) to its counter, in key order. A task queue deleted with its jobs
-- (a cascade) took its counter with it: none is re-made.
create function task_queue_waiting_add(tq_ids bigint[], deltas bigint[]) returns void language plpgsql as $$
declare
    d record;
begin
    for d in select * from unnest(tq_ids, deltas) as u(tq_id, n)
             where n <> 0 and exists (select 1 from task_queue tq where tq.id = u.tq_id) order by tq_id
    loop
        update task_queue_waiting set jobs = jobs + d.n where tq_id = d.tq_id;
        if not found then
            insert into task_queue_waiting (tq_id, jobs) values (d.tq_id, d.n)
            on conflict (tq_id) do update set jobs = task_queue_waiting.jobs + excluded.jobs;
        end if;
    end loop;
end;
$$;

create function task_queue_job_counted() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform task_queue_waiting_add(array_agg(tq_id), array_agg(n))
        from (select tq_id, count(*) as n from new_rows where status = 'Waiting' group by tq_id) d;
    elsif tg_op = 'UPDATE' then
        perform task_queue_waiting_add(array_agg(tq_id), array_agg(n))
        from (select tq_id, sum(delta)::bigint as n from (
                  select tq_id, 1 as delta from new_rows where status = 'Waiting'
                  union all
                  select tq_id, -1 from old_rows where status = 'Waiting'
              ) deltas group by tq_id) d;
    else
        perform task_queue_waiting_add(array_agg(tq_id), array_agg(-n))
        from (select tq_id, count(*) as n from old_rows where status = 'Waiting' group by tq_id) d;
    end if;
    return null;
end;
$$;

create trigger task_queue_job_counted_insert after insert on task_queue_job
    referencing new table as new_rows for each statement execute function task_queue_job_counted();
create trigger task_queue_job_counted_update after update on task_queue_job
    referencing old table as old_rows new table as new_rows for each statement execute function task_queue_job_counted();
create trigger task_queue_job_counted_delete after delete on task_queue_job
    referencing old table as old_rows for each statement execute function task_queue_job_counted();

insert into task_queue_waiting (tq_id, jobs)
select tq_id, count(*) from task_queue_job where status = 'Waiting' group by tq_id;

-- What each site holds now, from its queues' counters: read in as many rows as the site has queues.
create or replace view site_usage as
select s.name as site,
       s.max_running,
       s.max_waiting,
       s.max_cores,
       coalesce(sum(c.pilots), 0)::integer as alive,
       coalesce(sum(c.pilots) filter (where pilot_is_waiting(c.status)), 0)::integer as waiting,
       coalesce(sum(c.pilots * q.processors), 0)::integer as cores
from site s
left join queue q on q.site = s.name
left join queue_pilot_count c on c.queue = q.name
group by s.name, s.max_running, s.max_waiting, s.max_cores;

create or replace view queue_demand as
select q.name as queue, coalesce(sum(w.jobs), 0)::integer as waiting_jobs
from queue q
left join queue_task_queue_match m on m.queue = q.name
left join task_queue_waiting w on w.tq_id = m.tq_id
group by q.name;
