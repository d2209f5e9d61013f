-- pilotd schema, version 16: DIRAC's task queues matched exactly as DIRAC's Matcher matches them
-- (WorkloadManagementSystem/Client/Matcher.py, _processResourceDescription, and
-- DB/TaskQueueDB.py, __generateTQMatchSQL), where V13 differed.
--
-- The tags DIRAC derives from a CE description (Matcher._processResourceDescription):
-- 'MultiProcessor' when NumberOfProcessors > 1, '<n>Processors' for n from 2 to NumberOfProcessors,
-- '<n>GB' for n from 2 to int(MaxRAM / 1000) (MaxRAM in MB, 1000 to the GB), each only up to
-- 1024. V13 offered 1Processors and 1GB, and counted 1024 MB to the GB: a 16000 MB queue missed
-- 16GB jobs and took 1GB ones, which no DIRAC queue offers.
create or replace function dirac_offered_tags(tags text[], processors integer, memory_mb integer)
returns text[] language sql immutable as $$
    select tags
        || case when processors > 1 then array['MultiProcessor'] else '{}'::text[] end
        || array(select n || 'Processors' from generate_series(2, processors) n where processors <= 1024)
        || array(select n || 'GB' from generate_series(2, coalesce(memory_mb, 0) / 1000) n
                 where coalesce(memory_mb, 0) / 1000 <= 1024)
$$;

-- DIRAC's tq_* tables are latin1 with its case-insensitive collation: every comparison of its
-- matching ignores case, so 'gpu' is the tag 'GPU' and a site banned in another case is banned.
create function dirac_fold(value text) returns text language sql immutable as $$
    select lower(value)
$$;

create function dirac_fold(values_ text[]) returns text[] language sql immutable as $$
    select coalesce(array_agg(lower(v)), '{}') from unnest(values_) v
$$;

-- The rules, each as __generateTQMatchSQL writes it for the CE description a queue stands for
-- (Site, GridCE, Platform, JobType, Tag with the derived tags, RequiredTag, CPUTime, OwnerGroup, VO):
-- - OwnerGroup: tq.OwnerGroup among the groups (none given: the VO's, any here); VO likewise;
-- - CPUTime: tq.CPUTime <= the queue's (DIRAC refuses a description without one: the config
--   requires matching.maxCpuTime with demand.source dirac);
-- - Site, GridCE, Platform, JobType: an empty list in the task queue, or the queue's value in it;
--   a queue without a platform or job types, or with 'any', adds no condition;
-- - Site also: not among the task queue's BannedSites;
-- - Tag: every tag of the task queue among those offered (none offered: the task queue must have
--   none), unless the queue offers 'any';
-- - RequiredTag: every required tag among the task queue's, unless one is 'any' (a required tag
--   the queue does not offer makes DIRAC refuse the description: the config refuses it);
-- - Enabled: not a condition. insertJob disables a task queue while it inserts a job into it.
create or replace view dirac_queue_task_queue_match as
select q.name as queue, tq.tq_id
from queue q
join dirac_task_queue tq on true
where (q.vo is null or dirac_fold(tq.vo) = dirac_fold(q.vo))
  and (cardinality(q.owner_groups) = 0 or dirac_fold(tq.owner_group) = any (dirac_fold(q.owner_groups)))
  and (q.max_cpu_time is null or tq.cpu_time <= q.max_cpu_time)
  and (cardinality(tq.sites) = 0 or dirac_fold(q.site) = any (dirac_fold(tq.sites)))
  and not (dirac_fold(q.site) = any (dirac_fold(tq.banned_sites)))
  and (cardinality(tq.grid_ces) = 0 or dirac_fold(q.ce) = any (dirac_fold(tq.grid_ces)))
  and (q.platform is null or dirac_is_any(q.platform) or cardinality(tq.platforms) = 0
       or dirac_fold(q.platform) = any (dirac_fold(tq.platforms)))
  and (cardinality(q.job_types) = 0 or exists (select 1 from unnest(q.job_types) t where dirac_is_any(t))
       or cardinality(tq.job_types) = 0 or dirac_fold(tq.job_types) && dirac_fold(q.job_types))
  and (dirac_fold(tq.tags) <@ dirac_fold(dirac_offered_tags(q.tags, q.processors, q.memory_mb))
       or exists (select 1 from unnest(q.tags) t where dirac_is_any(t)))
  and (dirac_fold(q.required_tags) <@ dirac_fold(tq.tags)
       or exists (select 1 from unnest(q.required_tags) t where dirac_is_any(t)));

comment on view dirac_queue_task_queue_match is 'the DIRAC task queues each queue can serve, by DIRAC''s rules';
