package io.pilotd.director.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config that applies when there is no file: one {@code local} queue whose pilots are the
 * demo pilot ({@code pilotd demo-pilot}), each taking one waiting job of VO {@code demo} from the
 * task queue, so that the whole loop runs on one machine with no set-up.
 */
public final class DefaultConfig {
    public static final String QUEUE = "local";
    public static final String VO = "demo";
    public static final String SITE = "LOCAL.Demo.local";

    private DefaultConfig() {
    }

    public static PilotdConfig create(Path dataDir) {
        QueueConfig local = new QueueConfig(
                QUEUE, SITE, "localhost", "default", "local", true,
                Duration.ofSeconds(5), null,
                new QueueLimits(4, 4, 4, Duration.ofMinutes(10), null, null, null),
                new Matching(VO, null, null, null, null, 1, null, null),
                Map.of("command", demoPilotCommand(dataDir)));
        return new PilotdConfig(DirectorSettings.defaults().withDataDir(dataDir.toString()),
                null, null, null, Map.of(SITE, SiteConfig.uncapped()), List.of(local));
    }

    /** This same program, by the same JVM and class path, running the demo pilot. */
    private static List<String> demoPilotCommand(Path dataDir) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.pilotd.director.cli.Main");
        command.add("demo-pilot");
        command.add("--data-dir");
        command.add(dataDir.toString());
        return command;
    }
}
