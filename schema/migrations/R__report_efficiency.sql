-- Report `efficiency`: per queue, of the pilots that ended in the report window
-- (report_since(), 24 hours unless set), how many ended Done against Failed and Aborted
-- (pilots Deleted by the director are left out: they were not the cloud's failure), and the
-- queue's class as DIRAC's pilot summary gives it: with more than 100 pilots ended, Good from
-- 85 % Done, Fair from 60 %, Poor from 25 %, else Bad; with 100 or fewer, Idle.
-- And what its pilots did, of all that ended (Deleted too): empty, those that ran and took no
-- job; jobs, what they ran; jobs_per_pilot, over those that ran with their jobs known; and
-- pilot_hours, from each one's submission to its end (what a cloud holds a VM for).
--     select queue, efficiency, class from report_efficiency where class in ('Poor', 'Bad');
--     select queue, empty, jobs_per_pilot from report_efficiency order by empty desc;
drop view if exists report_efficiency;
create view report_efficiency as
with ended as (
    select p.queue,
           p.site,
           (count(*) filter (where p.status = 'Done'))::integer as done,
           (count(*) filter (where p.status = 'Failed'))::integer as failed,
           (count(*) filter (where p.status = 'Aborted'))::integer as aborted,
           (count(*) filter (where p.started_at is not null and p.jobs is not null))::integer as judged,
           (count(*) filter (where p.started_at is not null and p.jobs = 0))::integer as empty,
           coalesce(sum(p.jobs) filter (where p.started_at is not null), 0)::integer as jobs,
           coalesce(sum(extract(epoch from p.finished_at - p.submitted_at)), 0) / 3600 as hours
    from pilot p
    where p.finished_at >= report_since() and pilot_is_final(p.status)
    group by p.queue, p.site
)
select queue,
       site,
       done,
       failed,
       aborted,
       done + failed + aborted as ended,
       round(100.0 * done / nullif(done + failed + aborted, 0), 1) as efficiency,
       case
           when done + failed + aborted <= 100 then 'Idle'
           when 100.0 * done / (done + failed + aborted) >= 85 then 'Good'
           when 100.0 * done / (done + failed + aborted) >= 60 then 'Fair'
           when 100.0 * done / (done + failed + aborted) >= 25 then 'Poor'
           else 'Bad'
       end as class,
       empty,
       jobs,
       round(1.0 * jobs / nullif(judged, 0), 2) as jobs_per_pilot,
       round(hours::numeric, 1) as pilot_hours
from ended
order by queue;

comment on view report_efficiency is
    'per queue since report_since(): pilots Done, Failed, Aborted, the share Done, DIRAC''s class, empty pilots, jobs, jobs per pilot, pilot-hours';
