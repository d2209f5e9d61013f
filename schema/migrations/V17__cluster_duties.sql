-- pilotd schema, version 17: the work done once per database, whatever the number of directors.
--
-- A cluster duty (the DIRAC poll, the PilotAgents mirror) is held by one director at a time: a
-- session-level advisory lock (key space 20, the duty's number) on a connection of that
-- director's own, so it dies with its process and the others take the duty at their next try.
-- The row says who took it last; it is the holder only while that backend still holds the lock,
-- which is what cluster_duty_holder checks.
create table cluster_duty (
    duty         text primary key,
    lock_key     integer not null unique,
    director_id  text not null,
    backend_pid  integer not null,
    since        timestamptz not null
);

create view cluster_duty_holder as
select d.duty, d.director_id, d.since
from cluster_duty d
where exists (select 1 from pg_locks l
              where l.locktype = 'advisory' and l.granted and l.classid = 20 and l.objid = d.lock_key::oid
                and l.objsubid = 2 and l.pid = d.backend_pid);

comment on view cluster_duty_holder is 'each cluster duty held now, and by which director since when';
