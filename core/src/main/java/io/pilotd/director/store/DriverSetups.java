package io.pilotd.director.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pilotd.director.config.QueueConfig;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The driver set-ups pilots were started with: a queue's driver and parameters as the config
 * gave them. A pilot keeps its set-up, so that when its queue is removed from the config,
 * renamed or moved to another driver, the director still follows it with the driver that
 * started it ({@link #retired}).
 */
public final class DriverSetups {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** A set-up: which queue, which driver, with what parameters. */
    public record Setup(long id, String queue, String driver, Map<String, Object> parameters) {
    }

    private final Jdbi jdbi;

    public DriverSetups(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Records each queue's set-up and makes it the queue's current one; without {@code overwrite}
     * only for queues that have none yet (a CLI command never changes the daemon's).
     */
    static void record(Handle h, List<QueueConfig> queues, boolean overwrite) {
        for (QueueConfig q : queues) {
            long id = h.createQuery("""
                            insert into driver_setup (queue, driver, parameters) values (:queue, :driver, cast(:parameters as jsonb))
                            on conflict (queue, driver, parameters) do update set queue = excluded.queue
                            returning id""")
                    .bind("queue", q.name()).bind("driver", q.driver()).bind("parameters", json(q.parameters()))
                    .mapTo(Long.class).one();
            h.createUpdate("update queue set driver_setup_id = :id where name = :queue"
                            + (overwrite ? "" : " and driver_setup_id is null"))
                    .bind("id", id).bind("queue", q.name()).execute();
        }
        // Pilots written before set-ups existed were started with their queue's set-up of then.
        h.execute("update pilot p set driver_setup_id = q.driver_setup_id from queue q"
                + " where p.queue = q.name and p.driver_setup_id is null and q.driver_setup_id is not null");
    }

    private static String json(Map<String, Object> parameters) {
        try {
            return JSON.writeValueAsString(parameters);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("driver parameters that are not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Set-ups that still have live pilots but are no queue's current one: a queue removed,
     * renamed or moved to another driver. Their pilots are followed until the last one ends.
     */
    public List<Setup> retired() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select s.id, s.queue, s.driver, s.parameters::text as parameters
                        from driver_setup s
                        where exists (select 1 from pilot p where p.driver_setup_id = s.id
                                      and pilot_is_alive(p.status))
                          and not exists (select 1 from queue q where q.configured and q.driver_setup_id = s.id)
                        order by s.id""")
                .map((rs, ctx) -> new Setup(rs.getLong("id"), rs.getString("queue"), rs.getString("driver"),
                        parameters(rs.getString("parameters"))))
                .list());
    }

    public Setup get(long setup) {
        return jdbi.withHandle(h -> h.createQuery("select id, queue, driver, parameters::text as parameters from driver_setup"
                        + " where id = :id")
                .bind("id", setup)
                .map((rs, ctx) -> new Setup(rs.getLong("id"), rs.getString("queue"), rs.getString("driver"),
                        parameters(rs.getString("parameters"))))
                .one());
    }

    public String queueOf(long setup) {
        return jdbi.withHandle(h -> h.createQuery("select queue from driver_setup where id = :id").bind("id", setup)
                .mapTo(String.class).one());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("driver_setup.parameters is not a JSON object: " + e.getMessage(), e);
        }
    }
}
