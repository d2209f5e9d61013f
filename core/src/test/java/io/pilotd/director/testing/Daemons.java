package io.pilotd.director.testing;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.store.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Configs and waits for the tests that run the whole daemon. */
public final class Daemons {
    private Daemons() {
    }

    /** A queue on the fake driver, each call taking {@code delay}, at a site of its own. */
    public static QueueConfig queue(String name, Duration cycle, Duration delay, int maxPerCycle) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce", "default", "fake", true, cycle, null,
                new QueueLimits(1000, 1000, maxPerCycle, Duration.ofHours(1), null, null, null),
                new Matching(Queues.VO, null, null, null, null, 1, null, null), Map.of("delay", delay.toMillis() + "ms"));
    }

    /** The queue, with this maxRunning. */
    public static QueueConfig withMaxRunning(QueueConfig q, int maxRunning) {
        QueueLimits l = q.limits();
        return new QueueConfig(q.name(), q.site(), q.ce(), q.queue(), q.driver(), q.enabled(), q.cycle(),
                q.consistencyWindow(), new QueueLimits(maxRunning, l.maxWaiting(), l.maxPerCycle(), l.maxWaitingTime(),
                l.maxLifetime(), l.maxFailedPilots(), l.failedPilotsWindow()), q.matching(), q.parameters(), q.proxy(),
                q.pilot());
    }

    public static PilotdConfig config(String directorId, boolean clustered, int threads, List<QueueConfig> queues) {
        Map<String, SiteConfig> sites = new LinkedHashMap<>();
        queues.forEach(q -> sites.put(q.site(), SiteConfig.uncapped()));
        return new PilotdConfig(new DirectorSettings(directorId, null, null, null, clustered, threads, Duration.ofMinutes(1), null, null,
                null),
                new DatabaseSettings(null, null, null, null, threads + 8), null, null, sites, queues);
    }

    /** The config of {@link #config(String, QueueConfig...)}, serving its status on {@code port} of 127.0.0.1. */
    public static PilotdConfig withStatusPort(PilotdConfig config, int port) {
        DirectorSettings d = config.director();
        return new PilotdConfig(new DirectorSettings(d.id(), d.dataDir(), port, "127.0.0.1", d.clustered(), d.threads(),
                d.shutdownGrace(), d.sweepEvery(), d.maxSubmitCount(), d.retention()), config.database(), config.proxy(),
                config.pilot(), config.sites(), config.queues());
    }

    /** The config, with this serverless endpoint. */
    public static PilotdConfig withEndpoint(PilotdConfig config, EndpointSettings endpoint) {
        return new PilotdConfig(config.director(), config.database(), config.proxy(), config.pilot(), config.sites(),
                config.queues(), config.demand(), config.dirac(), endpoint);
    }

    /** A port nothing listens on now (the test that takes it may, rarely, lose it to another). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PilotdConfig config(String directorId, QueueConfig... queues) {
        return config(directorId, false, 4, List.of(queues));
    }

    /** How many cycles of this queue are recorded. */
    public static int cycles(Database db, String queue) {
        return cyclesSince(db, queue, Instant.EPOCH);
    }

    /** How many cycles of this queue started after {@code since}. */
    public static int cyclesSince(Database db, String queue, Instant since) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from director_cycle where queue = :q and started_at > :t")
                .bind("q", queue).bind("t", since).mapTo(Integer.class).one());
    }

    /**
     * Waits for a condition; the deadline only guards against a hang, it is no assertion of speed.
     * A condition that fails (the database it reads is still away) counts as not met yet.
     */
    public static void await(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        while (!met(condition)) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("not within " + deadline.toSeconds() + "s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static boolean met(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (RuntimeException notYet) {
            return false;
        }
    }
}
