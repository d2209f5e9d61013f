-- pilotd schema, version 2: which task queues each queue can serve, and so its demand.
-- One definition, used by the cycle (to count demand) and by pilots (to match a job).

-- A queue serves a task queue when:
--   the VO matches (a queue with no VO takes any), and the owner group is allowed;
--   the site is allowed (no allowed-site rows: any site) and not banned;
--   the platform matches (no platform rows: any platform);
--   every tag the task queue requires is offered by the queue, and every tag the queue
--   requires is carried by the task queue;
--   the processors, memory and CPU time asked for fit what the queue offers.
create view queue_task_queue_match as
select q.name as queue, tq.id as tq_id
from queue q
join task_queue tq on tq.enabled
where (q.vo is null or tq.vo = q.vo)
  and (cardinality(q.owner_groups) = 0 or tq.owner_group = any (q.owner_groups))
  and (not exists (select 1 from task_queue_site s where s.tq_id = tq.id)
       or exists (select 1 from task_queue_site s where s.tq_id = tq.id and s.site = q.site))
  and not exists (select 1 from task_queue_banned_site b where b.tq_id = tq.id and b.site = q.site)
  and (not exists (select 1 from task_queue_platform p where p.tq_id = tq.id)
       or exists (select 1 from task_queue_platform p where p.tq_id = tq.id and p.platform = q.platform))
  and not exists (select 1 from task_queue_tag t where t.tq_id = tq.id and t.tag <> all (q.tags))
  and not exists (select 1 from unnest(q.required_tags) as r(tag)
                  where not exists (select 1 from task_queue_tag t where t.tq_id = tq.id and t.tag = r.tag))
  and tq.processors <= q.processors
  and (q.memory_mb is null or tq.ram_mb <= q.memory_mb)
  and (q.max_cpu_time is null or tq.cpu_time <= q.max_cpu_time);

comment on view queue_task_queue_match is 'the task queues each queue can serve';

-- Waiting jobs each queue could serve now (a job matched by several queues counts for each).
create view queue_demand as
select q.name as queue, count(j.id)::integer as waiting_jobs
from queue q
left join queue_task_queue_match m on m.queue = q.name
left join task_queue_job j on j.tq_id = m.tq_id and j.status = 'Waiting'
group by q.name;

comment on view queue_demand is 'waiting jobs each queue could serve';
