-- Report `submissions`: per hour and queue, the pilots submitted (by when their row was
-- written) and the pilots that ended (by when they ended), each final status counted apart,
-- over the report window (report_since(), 24 hours unless set).
--     select * from report_submissions where failed + aborted > 0 order by hour desc;
drop view if exists report_submissions;
create view report_submissions as
with events as (
    select date_trunc('hour', p.submitted_at) as hour, p.site, p.queue, 'Submitted' as event
    from pilot p
    where p.submitted_at >= report_since()
    union all
    select date_trunc('hour', p.finished_at), p.site, p.queue, p.status
    from pilot p
    where p.finished_at >= report_since()
)
select hour,
       site,
       queue,
       (count(*) filter (where event = 'Submitted'))::integer as submitted,
       (count(*) filter (where event = 'Done'))::integer as done,
       (count(*) filter (where event = 'Failed'))::integer as failed,
       (count(*) filter (where event = 'Aborted'))::integer as aborted,
       (count(*) filter (where event = 'Deleted'))::integer as deleted
from events
group by hour, site, queue
order by hour, site, queue;

comment on view report_submissions is
    'per hour and queue since report_since(): pilots submitted, and pilots ended by final status';
