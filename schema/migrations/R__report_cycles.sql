-- Report `cycles`: per hour and queue, how the director's cycles went over the report window
-- (report_since(), 24 hours unless set): how many, how long (mean, 95th percentile, longest),
-- how late they started, what they submitted, and how many had errors, with the last error.
--     select * from report_cycles where cycles_with_errors > 0;
drop view if exists report_cycles;
create view report_cycles as
select date_trunc('hour', c.started_at) as hour,
       c.queue,
       count(*)::integer as cycles,
       round(avg(extract(epoch from c.ended_at - c.started_at) * 1000))::bigint as mean_ms,
       round((percentile_cont(0.95) within group (order by extract(epoch from c.ended_at - c.started_at)) * 1000)::numeric)::bigint as p95_ms,
       round(max(extract(epoch from c.ended_at - c.started_at)) * 1000)::bigint as max_ms,
       max(c.lag_ms) as max_lag_ms,
       sum(c.submitted)::integer as submitted,
       (count(*) filter (where c.errors <> ''))::integer as cycles_with_errors,
       (array_agg(nullif(c.errors, '') order by c.started_at desc) filter (where c.errors <> ''))[1] as last_error
from director_cycle c
where c.started_at >= report_since()
group by 1, c.queue
order by 1, c.queue;

comment on view report_cycles is
    'per hour and queue since report_since(): cycles, their durations and lag, pilots submitted, errors';
