-- Report `demand`: per configured queue, the demand beside the supply: the waiting jobs it could
-- serve, the waiting pilots of any queue that cover them, the pilots those jobs still call for
-- (queue_shared_demand), and the queue's own live pilots beside its limits.
--     select queue, demand, waiting, max_waiting from report_demand where demand > 0;
drop view if exists report_demand;
create view report_demand as
with supply as (
    select p.queue,
           (count(*) filter (where pilot_is_waiting(p.status)))::integer as waiting,
           (count(*) filter (where p.status = 'Running'))::integer as running,
           count(*)::integer as alive
    from pilot p
    where p.status not in ('Done', 'Failed', 'Aborted', 'Deleted')
    group by p.queue
)
select q.name as queue,
       q.site,
       q.enabled,
       d.waiting_jobs,
       d.covering_pilots,
       d.demand,
       coalesce(s.waiting, 0) as waiting,
       coalesce(s.running, 0) as running,
       coalesce(s.alive, 0) as alive,
       q.max_waiting,
       q.max_running,
       case when q.backoff_until > now() then q.backoff_until end as backoff_until
from queue q
join queue_shared_demand(array(select name from queue where configured)) d on d.queue = q.name
left join supply s on s.queue = q.name
order by q.name;

comment on view report_demand is
    'per configured queue: waiting jobs, the pilots covering them, the pilots still needed, and its live pilots';
