-- pilotd schema, version 20: the history's retention is a cluster duty (V17), no longer a Quartz job.
--
-- One mechanism gives every piece of work done once per database to one director, and shows
-- who holds it. Quartz's job store still holds the retention job that directors before this
-- version scheduled; its class is gone, so it is removed here rather than left to fail.
delete from qrtz_fired_triggers where job_group = 'maintenance';
delete from qrtz_simple_triggers where trigger_group = 'maintenance';
delete from qrtz_triggers where job_group = 'maintenance';
delete from qrtz_job_details where job_group = 'maintenance';
