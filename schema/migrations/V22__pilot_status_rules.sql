-- pilotd schema, version 22: each rule about a pilot's status in one place.
--
-- Final, alive, waiting and failure are functions, and every trigger, index and view uses them
-- (the lists were spelled out 23 times, and V4 once left Unknown out of waiting). They are SQL
-- functions the planner inlines, so a partial index built on one serves a query that uses it.
-- PilotStatus (drivers/api) holds the same rules; PilotStatusRulesTest proves them equal and
-- fails on any statement that spells a status list instead.
--
-- A queue's supply (alive, waiting, running, unresolved) is one function, supply_of, read from
-- the counters by the decision, the site caps, the status page, the CLI and the reports.

create function pilot_is_final(status text) returns boolean
    language sql immutable parallel safe
    as $$ select status in ('Done', 'Failed', 'Aborted', 'Deleted') $$;

comment on function pilot_is_final(text) is 'ended: the status never changes again';

-- A rule that uses another names its schema: an index is built (and analysed) with a search
-- path of pg_catalog only (PostgreSQL 17 on), where an unqualified name is not found.
create function pilot_is_alive(status text) returns boolean
    language sql immutable parallel safe
    as $$ select not "${flyway:defaultSchema}".pilot_is_final(status) $$;

comment on function pilot_is_alive(text) is 'not ended: counts against maxRunning';

-- The same set as V5 spelled (the status check leaves only Running besides), said as a rule.
create or replace function pilot_is_waiting(status text) returns boolean
    language sql immutable parallel safe
    as $$ select "${flyway:defaultSchema}".pilot_is_alive(status) and status <> 'Running' $$;

create function pilot_is_failure(status text) returns boolean
    language sql immutable parallel safe
    as $$ select status in ('Failed', 'Aborted') $$;

comment on function pilot_is_failure(text) is 'ended by the cloud or the pilot without success (Deleted is the director''s doing)';

create or replace function pilot_status_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if new.status is not distinct from old.status then
            return new;
        end if;
        if pilot_is_final(old.status) then
            raise exception 'pilot % is % (final) and cannot become %', old.stamp, old.status, new.status
                using errcode = 'check_violation';
        end if;
    end if;
    new.updated_at := now();
    if pilot_is_final(new.status) and new.finished_at is null then
        new.finished_at := now();
    end if;
    return new;
end;
$$;

create or replace function pilot_counted() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' then
        perform pilot_count_add(array_agg(queue), array_agg(status), array_agg(n))
        from (select queue, status, count(*) as n from new_rows
              where pilot_is_alive(status) group by queue, status) d;
    elsif tg_op = 'UPDATE' then
        perform pilot_count_add(array_agg(queue), array_agg(status), array_agg(n))
        from (select queue, status, sum(delta)::bigint as n from (
                  select queue, status, 1 as delta from new_rows where pilot_is_alive(status)
                  union all
                  select queue, status, -1 from old_rows where pilot_is_alive(status)
              ) deltas group by queue, status) d;
    else
        perform pilot_count_add(array_agg(queue), array_agg(status), array_agg(-n))
        from (select queue, status, count(*) as n from old_rows
              where pilot_is_alive(status) group by queue, status) d;
    end if;
    return null;
end;
$$;

drop index pilot_live_by_queue;
create index pilot_live_by_queue on pilot (queue, status) where pilot_is_alive(status);

drop index pilot_live_by_setup;
create index pilot_live_by_setup on pilot (driver_setup_id, id) where pilot_is_alive(status);

drop index pilot_waiting_by_task_queue;
create index pilot_waiting_by_task_queue on pilot using gin (task_queues) where pilot_is_waiting(status);

-- A queue's supply, from its counters: one row, zeros when it has no live pilot. A set-returning
-- SQL function, so that the planner inlines it (a lateral call reads one queue's counters by
-- their key, where a grouped view would count every queue's first).
create function supply_of(queue_name text)
returns table (alive integer, waiting integer, running integer, unresolved integer)
language sql stable as $$
    select coalesce(sum(pilots), 0)::integer,
           coalesce(sum(pilots) filter (where pilot_is_waiting(status)), 0)::integer,
           coalesce(sum(pilots) filter (where status = 'Running'), 0)::integer,
           coalesce(sum(pilots) filter (where status = 'Submitting'), 0)::integer
    from queue_pilot_count where queue = queue_name
$$;

comment on function supply_of(text) is
    'a queue''s live pilots: alive, waiting (not seen running), running, unresolved (Submitting)';

create view queue_supply as
select q.name as queue, s.alive, s.waiting, s.running, s.unresolved
from queue q cross join lateral supply_of(q.name) s;

comment on view queue_supply is 'supply_of every queue';

create or replace view site_usage as
select s.name as site,
       s.max_running,
       s.max_waiting,
       s.max_cores,
       coalesce(sum(u.alive), 0)::integer as alive,
       coalesce(sum(u.waiting), 0)::integer as waiting,
       coalesce(sum(u.alive * q.processors), 0)::integer as cores
from site s
left join queue q on q.site = s.name
left join lateral supply_of(q.name) u on true
group by s.name, s.max_running, s.max_waiting, s.max_cores;
