-- Report `demand`: per configured queue, the demand beside the supply: the waiting jobs it could
-- serve, the waiting pilots of any queue that cover them, the pilots those jobs still call for
-- (queue_shared_demand), and the queue's own live pilots beside its limits.
--     select queue, demand, waiting, max_waiting from report_demand where demand > 0;
drop view if exists report_demand;
create view report_demand as
select q.name as queue,
       q.site,
       q.enabled,
       d.waiting_jobs,
       d.covering_pilots,
       d.demand,
       s.waiting,
       s.running,
       s.alive,
       q.max_waiting,
       q.max_running,
       case when q.backoff_until > now() then q.backoff_until end as backoff_until
from queue q
join queue_shared_demand(array(select name from queue where configured)) d on d.queue = q.name
cross join lateral supply_of(q.name) s
order by q.name;

comment on view report_demand is
    'per configured queue: waiting jobs, the pilots covering them, the pilots still needed, and its live pilots';
