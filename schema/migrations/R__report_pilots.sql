-- Report `pilots`: how many pilots each site, CE and queue has in each status now, as DIRAC's
-- pilot summary counts them: every pilot alive, and those that ended in the report window
-- (report_since(), 24 hours unless set).
--     select * from report_pilots where site = 'CLOUD.AWS-Frankfurt.de';
drop view if exists report_pilots;
create view report_pilots as
select p.site,
       p.ce,
       p.queue,
       p.status,
       count(*)::integer as pilots,
       max(p.updated_at) as last_change
from pilot p
where p.finished_at is null or p.finished_at >= report_since()
group by p.site, p.ce, p.queue, p.status
order by p.site, p.ce, p.queue, p.status;

comment on view report_pilots is
    'pilots per site, CE, queue and status: all alive, and those ended since report_since()';
