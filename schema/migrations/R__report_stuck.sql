-- Report `stuck`: pilots that have stayed in one status longer than they should.
-- * Not yet running (Submitting, Submitted, Waiting, Scheduled, Unknown): longer than
--   report_stuck_after() (1 hour unless set), or than the queue's maxWaitingTime, the lesser.
--   The director kills a pilot waiting past maxWaitingTime, so one listed here is one whose
--   kill has not gone through, or a queue without that limit.
-- * Running: longer than the queue's maxLifetime (the director kills it then, and so does the
--   cloud itself).
--     select queue, status, count(*) from report_stuck group by 1, 2;
drop view if exists report_stuck;
create view report_stuck as
select p.stamp,
       p.job_ref,
       p.site,
       p.queue,
       p.status,
       p.status_reason as reason,
       p.updated_at as since,
       date_trunc('second', now() - p.updated_at) as in_status,
       t.stuck_after
from pilot p
join queue q on q.name = p.queue
cross join lateral (
    select case
               when p.status = 'Running' then make_interval(secs => q.max_lifetime_seconds)
               else least(report_stuck_after(),
                          coalesce(make_interval(secs => q.max_waiting_seconds), report_stuck_after()))
           end as stuck_after
) t
where pilot_is_alive(p.status)
  and p.updated_at < now() - t.stuck_after
order by p.updated_at;

comment on view report_stuck is
    'live pilots in one status for longer than report_stuck_after() (waiting) or their queue''s maxLifetime (running)';
