package io.pilotd.director.cli;

import io.pilotd.director.config.ConfigException;
import io.pilotd.director.config.DefaultConfig;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.daemon.Director;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.TaskQueueSpec;
import io.pilotd.director.store.TaskQueueStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(name = "run", description = {
    "Run the director (the daemon).",
    "Runs every queue's cycle on its period until SIGTERM or SIGINT. On SIGTERM the cycles in flight "
        + "finish (their driver calls recorded) and pilotd exits 0; a second signal stops it at once. "
        + "On SIGHUP (systemctl reload pilotd) it reads its config file again: a valid one's new, changed and "
        + "removed queues and its sites apply from their next cycle; an invalid one changes nothing, its "
        + "problems logged. The endpoint's certificate, key and trust anchors are read again too (and whenever "
        + "they change), without dropping a connection."})
final class RunCommand extends PilotdSubcommand {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = "--demo", paramLabel = "JOBS",
            description = "Before starting, add JOBS waiting jobs of VO '" + DefaultConfig.VO + "' to the task queue"
                    + " (what the built-in local queue serves), and stop once they are all done.")
    int demoJobs;

    @Option(names = "--exit-when-idle",
            description = "Stop once no queue has waiting jobs it could serve and no pilot is alive.")
    boolean exitWhenIdle;

    @Override
    protected boolean isDaemon() {
        return true;
    }

    @Override
    protected int execute(Session session) throws Exception {
        if (demoJobs < 0) {
            throw new ParameterException(spec.commandLine(), "--demo must not be negative, not " + demoJobs);
        }
        Database database = session.database();
        if (demoJobs > 0) {
            new TaskQueueStore(database.jdbi()).add(new TaskQueueSpec(DefaultConfig.VO, "demo_user", "demo", 3600, 1, 0, 1,
                    List.of(), List.of(), List.of(), List.of()), demoJobs);
            log.info("demo: {} waiting jobs added to the task queue", demoJobs);
        }
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : List.of("TERM", "INT")) {
            Signal.handle(new Signal(signal), s -> {
                if (stop.getCount() == 0) {
                    // A second signal while stopping: the operator wants out now.
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }
                log.info("SIG{} received", s.getName());
                stop.countDown();
            });
        }
        // A JVM ends on SIGHUP; a daemon must not (a closed terminal). Before the director runs, nothing is reloaded.
        SignalHandler before = Signal.handle(new Signal("HUP"), s -> log.warn("SIGHUP received while pilotd starts: its"
                + " config is read at the start already"));
        if (before == SignalHandler.SIG_IGN) {
            // inherited (nohup, or a parent that ignores it): the JVM cannot take a signal ignored at its start
            log.warn("SIGHUP is ignored in this process, as the process that started pilotd left it (nohup?): a SIGHUP"
                    + " (systemctl reload) will not reload the config; restart pilotd to apply a new one");
        }
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "config-reload");
            t.setDaemon(true);
            // made from the signal's thread, which has no class loader: Quartz's and the drivers' need pilotd's
            t.setContextClassLoader(RunCommand.class.getClassLoader());
            return t;
        });
        try (Director director = Director.start(session.config(), database, session.drivers(), session.dataDir())) {
            Signal.handle(new Signal("HUP"), s -> {
                try {
                    reloads.execute(() -> reload(session, director));
                } catch (RejectedExecutionException stopping) {
                    log.warn("SIGHUP received while pilotd stops: nothing reloaded");
                }
            });
            List<String> queues = session.config().queues().stream().map(QueueConfig::name).toList();
            QueueStore store = new QueueStore(database.jdbi());
            while (!stop.await(1, TimeUnit.SECONDS)) {
                Optional<String> fatal = director.fatal();
                if (fatal.isPresent()) {
                    log.error("stopping: {}", fatal.get());
                    return ExitCodes.FAILURE;
                }
                if ((exitWhenIdle || demoJobs > 0) && idle(store, queues)) {
                    log.info("no demand left and no pilot alive: stopping");
                    break;
                }
            }
        } finally {
            reloads.shutdownNow();
        }
        return ExitCodes.OK;
    }

    /** SIGHUP: the endpoint's TLS files and trust anchors, and the config file, read again; a file with problems changes nothing. */
    private static void reload(Session session, Director director) {
        log.info("SIGHUP received: reading {} again", session.configSource().describe());
        director.reloadEndpointCredentials();
        PilotdConfig next;
        try {
            next = session.reread();
        } catch (ConfigException e) {
            log.error("the config was not reloaded, nothing changed: {}", e.getMessage());
            return;
        }
        try {
            director.reload(next);
        } catch (RuntimeException e) {
            log.error("the config could not be reloaded: {}", e.getMessage(), e);
        }
    }

    private static boolean idle(QueueStore store, List<String> queues) {
        try {
            return store.idle(queues);
        } catch (RuntimeException e) {
            // The database may be away for a while; the director carries on meanwhile.
            log.debug("idle check failed: {}", e.getMessage());
            return false;
        }
    }
}
