-- pilotd schema, version 7: the directors running on this database.
-- A running director holds an advisory lock (class 7, key 1) on a connection of its own for as
-- long as it runs: exclusive when it runs alone, shared when clustered. A second director is
-- refused while the lock is held the other way, and told who holds it from this table.

create table director_instance (
    director_id  text primary key,
    host         text not null,
    pid          bigint not null,
    clustered    boolean not null,
    started_at   timestamptz not null default now(),
    -- the server process of the connection that holds the lock: joins pg_locks
    backend_pid  integer not null
);

comment on table director_instance is 'directors that have run on this database; alive while their backend holds the director lock';

-- How late each cycle started after it was due (a busy director runs late cycles late).
alter table director_cycle add column lag_ms bigint not null default 0;

-- Why a queue is backing off: 'refused' (the cloud refused a submission: only a later
-- submission clears it), 'cloud' (the cloud could not answer: any answer clears it), or
-- 'failing' (its recent pilots failed before they ran).
alter table queue add column backoff_reason text check (backoff_reason in ('refused', 'cloud', 'failing')),
    add column max_failed_pilots integer not null default 10 check (max_failed_pilots >= 0),
    add column failed_pilots_window_seconds integer not null default 3600 check (failed_pilots_window_seconds > 0);
