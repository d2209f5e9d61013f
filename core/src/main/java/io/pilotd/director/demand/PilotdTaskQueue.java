package io.pilotd.director.demand;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pilotd's own task queue, in its database: the demand is already there. With wake-up on, a
 * thread LISTENs on the channel that V13's trigger notifies when a statement adds waiting jobs,
 * on a connection of its own, and says which queues serve them.
 */
public final class PilotdTaskQueue implements DemandSource {
    private static final Logger log = LoggerFactory.getLogger(PilotdTaskQueue.class);
    static final String CHANNEL = "pilotd_waiting_jobs";
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final Duration MOST_BETWEEN_TRIES = Duration.ofSeconds(30);

    private final Database database;
    private final DemandStore store;
    private final List<String> queues;
    private final boolean wakeUp;
    private volatile boolean closed;
    private Thread listener;

    public PilotdTaskQueue(Database database, List<String> queues, DemandSettings settings) {
        this.database = database;
        this.store = new DemandStore(database.jdbi());
        this.queues = List.copyOf(queues);
        this.wakeUp = settings.wakeUp();
    }

    @Override
    public String name() {
        return DemandSettings.PILOTD;
    }

    @Override
    public void start(Consumer<Set<String>> newJobs) {
        if (!wakeUp) {
            return;
        }
        listener = new Thread(() -> listen(newJobs), "pilotd-listen");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen(Consumer<Set<String>> newJobs) {
        Duration pause = Duration.ofSeconds(1);
        boolean failing = false;
        while (!closed) {
            try (Connection c = database.dedicatedConnection()) {
                try (Statement s = c.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                if (failing) {
                    log.info("listening for new waiting jobs again: every queue's cycle runs, for what came meanwhile");
                    newJobs.accept(new HashSet<>(queues));
                    failing = false;
                }
                pause = Duration.ofSeconds(1);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notes = pg.getNotifications((int) WAIT.toMillis());
                    if (notes != null && notes.length > 0) {
                        Set<String> woken = serving(notes);
                        if (!woken.isEmpty()) {
                            newJobs.accept(woken);
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    log.warn("cannot listen for new waiting jobs (tried again, queues cycle on their periods meanwhile): {}",
                            e.getMessage());
                    failing = true;
                }
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MOST_BETWEEN_TRIES) > 0 ? MOST_BETWEEN_TRIES : pause.multipliedBy(2);
            }
        }
    }

    /** The queues that serve the task queues named, all of them for '*'. */
    private Set<String> serving(PGNotification[] notes) {
        Set<Long> taskQueues = new HashSet<>();
        for (PGNotification note : notes) {
            if ("*".equals(note.getParameter())) {
                return new HashSet<>(queues);
            }
            for (String id : note.getParameter().split(",")) {
                taskQueues.add(Long.parseLong(id));
            }
        }
        return store.serving(taskQueues, queues);
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(WAIT.multipliedBy(3).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
