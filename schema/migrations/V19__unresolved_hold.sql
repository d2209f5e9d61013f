-- pilotd schema, version 19: how long each cycle held its queue's unresolved submissions.
--
-- The hold is learnt per queue from its cloud's listing lag and bounded by its driver's
-- consistency window, which only the cycle knows: it records the hold it used, so that whoever
-- reads the database (pilotd queues, the status page, the metrics) can say until when a queue's
-- capacity stays held. Null: the cycle had nothing unresolved.
alter table director_cycle add column unresolved_hold_ms bigint;
