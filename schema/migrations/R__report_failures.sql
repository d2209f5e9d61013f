-- Report `failures`: per hour and queue, the pilots that ended Failed or Aborted in the report
-- window (report_since(), 24 hours unless set), grouped by their reason (what the cloud said
-- when it refused them, or what ended them).
--     select queue, reason, sum(pilots) from report_failures group by 1, 2 order by 3 desc;
drop view if exists report_failures;
create view report_failures as
select date_trunc('hour', p.finished_at) as hour,
       p.queue,
       p.status,
       p.status_reason as reason,
       count(*)::integer as pilots
from pilot p
where pilot_is_failure(p.status) and p.finished_at >= report_since()
group by 1, p.queue, p.status, p.status_reason
order by 1, p.queue, pilots desc;

comment on view report_failures is
    'pilots ended Failed or Aborted since report_since(), per hour, queue and reason';
