-- pilotd schema, version 8: what retention trims, found by age without reading every row.
-- The daemon deletes cycle records, and the status history of pilots that ended, older than
-- director.retention (30 days by default), in batches.

create index director_cycle_by_start on director_cycle (started_at);
create index pilot_status_history_by_at on pilot_status_history (at);
