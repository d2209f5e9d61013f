-- Report `cost`: per queue and day (UTC) of the pilots that ended in the report window
-- (report_since(), 24 hours unless set): pilots ended and the empty ones among them (they ran
-- and took no job), their pilot-hours (each from its submission to its end), the queue's price
-- of a pilot-hour (price in the config: perPilotHour, or perCoreHour × its processors), what
-- they cost, what the empty ones cost, and their share of it. A queue without a price shows its
-- hours and no cost.
--     select day, sum(cost), sum(empty_cost) from report_cost group by day order by day;
drop view if exists report_cost;
create view report_cost as
with ended as (
    select p.queue,
           (p.finished_at at time zone 'UTC')::date as day,
           count(*)::integer as pilots,
           (count(*) filter (where p.started_at is not null and p.jobs = 0))::integer as empty,
           coalesce(sum(extract(epoch from p.finished_at - p.submitted_at)), 0) / 3600 as hours,
           coalesce(sum(extract(epoch from p.finished_at - p.submitted_at))
                        filter (where p.started_at is not null and p.jobs = 0), 0) / 3600 as empty_hours
    from pilot p
    where p.finished_at >= report_since() and pilot_is_final(p.status)
    group by p.queue, day
)
select e.queue,
       e.day,
       e.pilots,
       e.empty,
       round(e.hours::numeric, 1) as pilot_hours,
       q.price_per_pilot_hour as price,
       round(e.hours::numeric * q.price_per_pilot_hour, 2) as cost,
       round(e.empty_hours::numeric * q.price_per_pilot_hour, 2) as empty_cost,
       round(100 * e.empty_hours::numeric / nullif(e.hours::numeric, 0), 1) as empty_share
from ended e
join queue q on q.name = e.queue
order by e.day, e.queue;

comment on view report_cost is
    'per queue and day since report_since(): pilots, empty ones, pilot-hours, price, cost, the empty ones'' cost and share';
