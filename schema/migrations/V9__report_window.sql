-- pilotd schema, version 9: the time window of the report views (R__report_*.sql).
-- A windowed report shows what happened since report_since(): 24 hours ago, unless the session
-- says otherwise, as `pilotd report NAME --since 7d` does and a DBA can in psql:
--     set pilotd.report_since = '7 days';
--     select * from report_efficiency;
-- The stuck-pilots report takes its threshold the same way (pilotd.report_stuck_after, 1 hour).

create function report_since() returns timestamptz
    language sql stable parallel safe
    as $$ select now() - coalesce(nullif(current_setting('pilotd.report_since', true), '')::interval,
                                  interval '24 hours') $$;

comment on function report_since() is
    'start of the report window: now() less pilotd.report_since (default 24 hours)';

create function report_stuck_after() returns interval
    language sql stable parallel safe
    as $$ select coalesce(nullif(current_setting('pilotd.report_stuck_after', true), '')::interval,
                          interval '1 hour') $$;

comment on function report_stuck_after() is
    'how long a pilot may stay in a status before not yet running is stuck: pilotd.report_stuck_after (default 1 hour)';

-- The reports read ended pilots by when they ended.
create index pilot_by_finished on pilot (finished_at) where finished_at is not null;
