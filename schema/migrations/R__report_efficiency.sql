-- Report `efficiency`: per queue, of the pilots that ended in the report window
-- (report_since(), 24 hours unless set), how many ended Done against Failed and Aborted
-- (pilots Deleted by the director are left out: they were not the cloud's failure), and the
-- queue's class as DIRAC's pilot summary gives it: with more than 100 pilots ended, Good from
-- 85 % Done, Fair from 60 %, Poor from 25 %, else Bad; with 100 or fewer, Idle.
--     select queue, efficiency, class from report_efficiency where class in ('Poor', 'Bad');
drop view if exists report_efficiency;
create view report_efficiency as
with ended as (
    select p.queue,
           p.site,
           (count(*) filter (where p.status = 'Done'))::integer as done,
           (count(*) filter (where p.status = 'Failed'))::integer as failed,
           (count(*) filter (where p.status = 'Aborted'))::integer as aborted
    from pilot p
    where p.finished_at >= report_since() and pilot_is_final(p.status) and p.status <> 'Deleted'
    group by p.queue, p.site
)
select queue,
       site,
       done,
       failed,
       aborted,
       done + failed + aborted as ended,
       round(100.0 * done / (done + failed + aborted), 1) as efficiency,
       case
           when done + failed + aborted <= 100 then 'Idle'
           when 100.0 * done / (done + failed + aborted) >= 85 then 'Good'
           when 100.0 * done / (done + failed + aborted) >= 60 then 'Fair'
           when 100.0 * done / (done + failed + aborted) >= 25 then 'Poor'
           else 'Bad'
       end as class
from ended
order by queue;

comment on view report_efficiency is
    'per queue since report_since(): pilots Done, Failed, Aborted, the share Done, and DIRAC''s class';
