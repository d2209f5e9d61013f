-- pilotd schema, version 10: `pilotd pilots` lists the newest pilots of all queues first; with
-- this index it reads just those, not every pilot ever submitted.
create index pilot_by_submitted on pilot (submitted_at desc, id desc);
