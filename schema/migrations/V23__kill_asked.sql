-- pilotd schema, version 23: a kill whose outcome is not known.
--
-- A kill call that fails part-way (one pod deleted, the next call refused), whose answer is lost,
-- or after which the director is killed may have ended the pilot at the cloud while its row
-- still says it waits or runs. The reason is written before the call, as a submission's rows
-- are before its create. Such a
-- pilot, once its cloud no longer lists it, was killed by the director, not lost: Deleted, not
-- Unknown (which counts as waiting for two hours, and would hold the queue back for a pilot
-- that is gone).
alter table pilot add column kill_asked text;

comment on column pilot.kill_asked is
    'why the director asked the cloud to kill this pilot (written before the kill call)';
