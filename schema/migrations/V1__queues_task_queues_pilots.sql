-- pilotd schema, version 1: the queues the director manages, the task queue it serves,
-- the pilots it starts (with their status history) and the record of its cycles.
-- Statuses use DIRAC's names; a pilot's status may never leave a final state
-- (Done, Failed, Aborted, Deleted): the trigger below refuses it.

-- One computing endpoint of one site, mirrored from the config at start-up so that the cycle
-- can lock it (row lock = the queue's decision lock) and match task queues against it in SQL.
create table queue (
    name              text primary key,
    site              text not null,
    ce                text not null,
    ce_queue          text not null,
    driver            text not null,
    vo                text,
    platform          text,
    tags              text[] not null default '{}',
    required_tags     text[] not null default '{}',
    owner_groups      text[] not null default '{}',
    processors        integer not null default 1 check (processors >= 1),
    memory_mb         integer check (memory_mb >= 0),
    max_cpu_time      bigint check (max_cpu_time >= 0),
    max_running       integer not null check (max_running >= 0),
    max_waiting       integer not null check (max_waiting >= 0),
    max_per_cycle     integer not null check (max_per_cycle >= 0),
    cycle_seconds     integer not null check (cycle_seconds > 0),
    max_waiting_seconds integer check (max_waiting_seconds > 0),
    enabled           boolean not null default true,
    -- false once the queue is gone from the config: its pilots keep their history
    configured        boolean not null default true,
    -- back-off after failed submissions: no submission before backoff_until
    failures          integer not null default 0,
    backoff_until     timestamptz,
    last_error        text,
    updated_at        timestamptz not null default now()
);

-- A group of waiting jobs with the same requirements, as in DIRAC's TaskQueueDB (tq_TaskQueues).
create table task_queue (
    id            bigserial primary key,
    owner         text not null default '',
    owner_group   text not null,
    vo            text not null,
    cpu_time      bigint not null default 0 check (cpu_time >= 0),
    processors    integer not null default 1 check (processors >= 1),
    ram_mb        integer not null default 0 check (ram_mb >= 0),
    priority      double precision not null default 1,
    enabled       boolean not null default true,
    created_at    timestamptz not null default now()
);

-- Site, platform and tag lists of a task queue (DIRAC: tq_TQToSites, tq_TQToBannedSites,
-- tq_TQToPlatforms, tq_TQToTags). No allowed-site row means any site.
create table task_queue_site (
    tq_id  bigint not null references task_queue (id) on delete cascade,
    site   text not null,
    primary key (tq_id, site)
);

create table task_queue_banned_site (
    tq_id  bigint not null references task_queue (id) on delete cascade,
    site   text not null,
    primary key (tq_id, site)
);

create table task_queue_platform (
    tq_id     bigint not null references task_queue (id) on delete cascade,
    platform  text not null,
    primary key (tq_id, platform)
);

create table task_queue_tag (
    tq_id  bigint not null references task_queue (id) on delete cascade,
    tag    text not null,
    primary key (tq_id, tag)
);

-- The waiting jobs of a task queue (DIRAC: tq_Jobs). A pilot that matches a job marks it
-- Matched with its stamp; the demand of a queue counts the Waiting ones.
create table task_queue_job (
    id          bigserial primary key,
    tq_id       bigint not null references task_queue (id) on delete cascade,
    priority    double precision not null default 1,
    status      text not null default 'Waiting' check (status in ('Waiting', 'Matched', 'Done', 'Failed')),
    pilot_stamp text,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create index task_queue_job_waiting on task_queue_job (tq_id) where status = 'Waiting';

create table pilot (
    id             bigserial primary key,
    stamp          text not null unique check (stamp ~ '^[0-9a-f]{32}$'),
    -- <driver>://<endpoint>/<native id>; unknown until the cloud has answered
    job_ref        text unique,
    native_id      text,
    queue          text not null references queue (name),
    site           text not null,
    ce             text not null,
    driver         text not null,
    vo             text,
    batch_id       text not null,
    director_id    text not null,
    status         text not null check (status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled',
                                                   'Running', 'Done', 'Failed', 'Aborted', 'Deleted', 'Unknown')),
    status_reason  text not null default '',
    submitted_at   timestamptz not null default now(),
    updated_at     timestamptz not null default now(),
    finished_at    timestamptz
);

-- The cycle's supply count and status follow-up read only live pilots of one queue.
create index pilot_live_by_queue on pilot (queue, status)
    where status not in ('Done', 'Failed', 'Aborted', 'Deleted');
create index pilot_by_queue_submitted on pilot (queue, submitted_at desc);
create index pilot_by_batch on pilot (batch_id);

create table pilot_status_history (
    id        bigserial primary key,
    pilot_id  bigint not null references pilot (id) on delete cascade,
    status    text not null,
    reason    text not null default '',
    at        timestamptz not null default now()
);

create index pilot_status_history_by_pilot on pilot_status_history (pilot_id, at);

-- Writes the history on every insert and status change, and refuses leaving a final state,
-- so that no code path can forget either.
create function pilot_status_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if new.status is not distinct from old.status then
            return new;
        end if;
        if old.status in ('Done', 'Failed', 'Aborted', 'Deleted') then
            raise exception 'pilot % is % (final) and cannot become %', old.stamp, old.status, new.status
                using errcode = 'check_violation';
        end if;
    end if;
    new.updated_at := now();
    if new.status in ('Done', 'Failed', 'Aborted', 'Deleted') and new.finished_at is null then
        new.finished_at := now();
    end if;
    return new;
end;
$$;

create function pilot_status_history_write() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' or new.status is distinct from old.status then
        insert into pilot_status_history (pilot_id, status, reason, at)
        values (new.id, new.status, new.status_reason, new.updated_at);
    end if;
    return null;
end;
$$;

create trigger pilot_status_guard before insert or update on pilot
    for each row execute function pilot_status_changed();
create trigger pilot_status_history after insert or update of status on pilot
    for each row execute function pilot_status_history_write();

-- One cycle of one queue, with the term that bound the number of pilots it submitted.
create table director_cycle (
    id               bigserial primary key,
    queue            text not null references queue (name),
    director_id      text not null,
    started_at       timestamptz not null,
    ended_at         timestamptz not null,
    demand           integer not null,
    waiting          integer not null,
    alive            integer not null,
    submitted        integer not null,
    deciding_factor  text not null,
    errors           text not null default ''
);

create index director_cycle_by_queue on director_cycle (queue, started_at desc);
