-- pilotd schema, version 18: when the cloud's listing first showed each pilot.
--
-- A submission whose answer was lost is held (its rows Submitting, counted against the limits)
-- until the cloud could list what it made. How long that is differs by cloud and by hour: each
-- queue learns it from its own pilots, as the time from their submission to the cycle that
-- first saw them listed (an upper bound of the listing's lag, within a cycle).
alter table pilot add column listed_at timestamptz;

create index pilot_listed_by_queue on pilot (queue, id desc) where listed_at is not null;
