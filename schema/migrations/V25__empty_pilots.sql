-- pilotd schema, version 25: pilots that find no work, and what a queue's pilots cost.
--
-- Each pilot that ends records how many jobs it ran (jobs; 0: an empty pilot). With pilotd's
-- own task queue the jobs that took its stamp are counted as it ends, here, whatever ended it;
-- with DIRAC's (demand_source 'dirac') the PilotAgentsDB mirror reads DIRAC's job-to-pilot
-- mapping for the pilots that ended (null until it has). started_at is when the pilot was
-- first seen Running: an empty pilot is one that ran and took no job (one that never ran
-- failed, it was not empty).
alter table pilot add column jobs integer check (jobs >= 0);
alter table pilot add column started_at timestamptz;

comment on column pilot.jobs is 'the jobs it ran, once it ended and they are known (0: an empty pilot)';
comment on column pilot.started_at is 'when it was first seen Running (null: it never ran)';

create index task_queue_job_by_pilot on task_queue_job (pilot_stamp) where pilot_stamp is not null;
-- the hold-back rule reads a queue's latest ended pilots whose jobs are known
create index pilot_ended_with_jobs on pilot (queue, finished_at desc) where jobs is not null;
-- the mirror reads the ended pilots whose jobs are not known yet
create index pilot_ended_jobs_unknown on pilot (finished_at) where jobs is null and finished_at is not null;

create or replace function pilot_status_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' then
        if new.status is not distinct from old.status then
            return new;
        end if;
        if pilot_is_final(old.status) then
            raise exception 'pilot % is % (final) and cannot become %', old.stamp, old.status, new.status
                using errcode = 'check_violation';
        end if;
    end if;
    new.updated_at := now();
    if new.status = 'Running' and new.started_at is null then
        new.started_at := now();
    end if;
    if pilot_is_final(new.status) and new.finished_at is null then
        new.finished_at := now();
    end if;
    if pilot_is_final(new.status) and new.jobs is null
       and (select name from demand_source) = 'pilotd' then
        new.jobs := (select count(*) from task_queue_job j where j.pilot_stamp = new.stamp);
    end if;
    return new;
end;
$$;

-- The hold-back rule (README, "Its pilots find no work") and the price of a queue's pilots, as the config
-- gives them: a window of 0 turns the rule off; no price, no cost.
alter table queue add column empty_pilots_window integer not null default 20 check (empty_pilots_window >= 0);
alter table queue add column empty_pilots_threshold integer not null default 50
    check (empty_pilots_threshold between 0 and 100);
alter table queue add column price_per_pilot_hour numeric check (price_per_pilot_hour >= 0);
