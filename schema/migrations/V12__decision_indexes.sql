-- pilotd schema, version 12: indexes a decision and a cycle read by, found by bench/run rounds
-- at 1,000 queues (decision_inputs and queue_shared_demand are repeatable migrations).
--
-- A cycle's page of pilots to follow was read by walking the primary key and filtering on the
-- driver set-up (22 ms a call beside 100,000 live pilots): the live pilots of a set-up are now
-- indexed in id order.
drop index pilot_live_by_setup;
create index pilot_live_by_setup on pilot (driver_setup_id, id)
    where status not in ('Done', 'Failed', 'Aborted', 'Deleted');

-- A capped site's decision reads its queues by site (it scanned them all: 1,000 rows for a
-- site's 10).
create index queue_by_site on queue (site);
