package io.pilotd.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * The command line as an operator meets it: the built distribution's {@code bin/pilotd} on an
 * embedded database of 100,000 pilots and 200,000 cycle records, with the daemon running, beside
 * the bare JVM's start-up ({@code java -version}).
 */
final class CliFigures {
    private static final Path PILOTD = Path.of("bin/pilotd");
    private static final Path DIST = Path.of("dist/target/pilotd/lib");
    private static final int RUNS = 5;

    static boolean distributionBuilt() {
        return Files.isDirectory(DIST);
    }

    List<Figure> figures(int pilots) throws IOException, InterruptedException, SQLException {
        Path dir = Files.createTempDirectory("pilotd-bench-cli");
        Path cache = dir.resolve("cds");
        Process daemon = start(dir, cache, "run");
        List<Figure> figures = new ArrayList<>();
        try {
            awaitDatabase(dir);
            seed(dir, pilots);
            // the first command writes the class archive; the ones measured map it
            exec(pilotd(dir, "pilots"), cache);
            double jvm = medianSeconds(List.of("java", "-version"), dir, cache);
            for (String command : List.of("pilots", "queues", "report efficiency", "pilot " + stamp())) {
                double seconds = medianSeconds(pilotd(dir, command), dir, cache);
                figures.add(new Figure(String.format("bin/pilotd %s, %,d pilots, daemon running", command, pilots),
                        String.format("%.2f s", seconds), String.format("java -version: %.2f s (×%.1f)", jvm, seconds / jvm),
                        "≤ 1 s wall, ≤ 2× java -version", seconds <= 1 && seconds <= 2 * jvm));
            }
            profile(dir, cache);
        } finally {
            daemon.destroy();
            daemon.waitFor(2, TimeUnit.MINUTES);
        }
        return figures;
    }

    /**
     * Where {@code bin/pilotd pilots} spends its time, beyond the bare JVM's: the classes it loads
     * (and how many come mapped from the class archive) and, from a JFR recording, the packages
     * its CPU samples fall in.
     */
    private static void profile(Path dir, Path cache) throws IOException, InterruptedException {
        Path classes = dir.resolve("classes.log");
        run(pilotd(dir, "pilots"), cache, dir, "-Xlog:class+load=info:file=" + classes);
        List<String> loaded = Files.readAllLines(classes);
        long shared = loaded.stream().filter(l -> l.contains("shared objects file")).count();
        // JFR runs without the class archive (bin/pilotd drops it: Java 17 crashes with both)
        Path jfr = dir.resolve("pilots.jfr");
        run(pilotd(dir, "pilots"), cache, dir, "-XX:StartFlightRecording=dumponexit=true,filename=" + jfr + ",settings=profile");
        Map<String, Long> byPackage = new TreeMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (event.getEventType().getName().equals("jdk.ExecutionSample") && event.getStackTrace() != null
                    && !event.getStackTrace().getFrames().isEmpty()) {
                // the top frame's class, cut to three name parts: org.postgresql.core, io.pilotd.director
                String[] parts = event.getStackTrace().getFrames().get(0).getMethod().getType().getName().split("\\.");
                byPackage.merge(String.join(".", Arrays.copyOf(parts, Math.min(3, parts.length - 1))), 1L, Long::sum);
            }
        }
        System.out.printf("bin/pilotd pilots, profiled: %,d classes loaded, %,d of them mapped from the archive;"
                + " CPU samples (JFR, %s) by package: %s%n", loaded.size(), shared, jfr, byPackage.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey() + " " + e.getValue()).toList());
    }

    private static void run(List<String> command, Path cache, Path dir, String javaOptions)
            throws IOException, InterruptedException {
        Path output = dir.resolve("profile.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("PILOTD_CDS_DIR", cache.toString());
        builder.environment().put("PILOTD_JAVA_OPTS", javaOptions);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " " + javaOptions + " failed: "
                    + Files.readString(output));
        }
    }

    /**
     * The daemon's resident memory once it has followed {@code pilots} live pilots for a few
     * cycles (the local queue's 5 s cycle), against the limit the issue sets.
     */
    Figure memory(int pilots) throws IOException, InterruptedException, SQLException {
        Path dir = Files.createTempDirectory("pilotd-bench-memory");
        Path cache = dir.resolve("cds");
        Process daemon = start(dir, cache, "run");
        try {
            awaitDatabase(dir);
            try (Connection c = connect(dir); Statement s = c.createStatement()) {
                s.execute("""
                        insert into pilot (stamp, job_ref, queue, site, ce, driver, batch_id, director_id, status,
                                           driver_setup_id)
                        select md5('live/' || i), 'local://bench/' || md5('live/' || i), q.name, q.site, q.ce, q.driver,
                               'live-' || (i / 100), 'bench', 'Running', q.driver_setup_id
                        from generate_series(1, %d) i, queue q where q.name = 'local'""".formatted(pilots));
                s.execute("analyze pilot");
            }
            Thread.sleep(Duration.ofSeconds(30).toMillis());
            long rss = residentKib(daemon.toHandle());
            for (ProcessHandle child : daemon.toHandle().descendants().toList()) {
                rss = Math.max(rss, residentKib(child));
            }
            return new Figure(String.format("resident memory of pilotd run following %,d live pilots", pilots),
                    String.format("%,d MiB", rss / 1024), "", "≤ 256 MiB", rss / 1024 <= 256);
        } finally {
            daemon.destroy();
            daemon.waitFor(2, TimeUnit.MINUTES);
        }
    }

    /** VmRSS of a process, if it is the JVM (the launcher execs it). */
    private static long residentKib(ProcessHandle process) throws IOException {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        if (!Files.exists(status)) {
            return 0;
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0);
    }

    private static String stamp() {
        return md5("bench/5000");
    }

    private static String md5(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Process start(Path dir, Path cache, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PILOTD.toString(), "--data-dir", dir.resolve("data").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile());
        builder.environment().put("PILOTD_CDS_DIR", cache.toString());
        return builder.start();
    }

    /** {@code bin/pilotd} on the bench's data directory, running {@code command} (words split on spaces). */
    private static List<String> pilotd(Path dir, String command) {
        List<String> args = new ArrayList<>(List.of(PILOTD.toString(), "--data-dir", dir.resolve("data").toString()));
        args.addAll(List.of(command.split(" ")));
        return args;
    }

    private static double medianSeconds(List<String> command, Path dir, Path cache) throws IOException, InterruptedException {
        double[] times = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            exec(command, cache);
            times[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(times);
        return times[RUNS / 2];
    }

    private static void exec(List<String> command, Path cache) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PILOTD_CDS_DIR", cache.toString());
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private static Connection connect(Path dir) throws IOException, SQLException {
        List<String> pid = Files.readAllLines(dir.resolve("data/pgdata/postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).trim() + "/postgres", "postgres",
                Files.readString(dir.resolve("data/db.secret")).strip());
    }

    private static void awaitDatabase(Path dir) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = connect(dir); Statement s = c.createStatement()) {
                // the daemon has written its config's queue, and its driver set-up, into the database
                var rs = s.executeQuery("select count(*) from queue where name = 'local' and driver_setup_id is not null");
                if (rs.next() && rs.getInt(1) == 1) {
                    return;
                }
                Thread.sleep(500);
            } catch (IOException | SQLException | IndexOutOfBoundsException notYet) {
                Thread.sleep(500);
            }
        }
        throw new IllegalStateException("the daemon's database did not come up: see " + dir.resolve("daemon.log"));
    }

    /** Ended pilots, most of them, as a month of work leaves them; and a cycle every 5 s for 10 days. */
    private static void seed(Path dir, int pilots) throws IOException, SQLException {
        try (Connection c = connect(dir); Statement s = c.createStatement()) {
            s.execute("""
                    insert into pilot (stamp, job_ref, queue, site, ce, driver, batch_id, director_id, status, submitted_at,
                                       driver_setup_id)
                    select md5('bench/' || i), 'local://bench/' || i, q.name, q.site, q.ce, q.driver, 'bench-' || (i / 100),
                           'bench', case when mod(i, 10) = 0 then 'Failed' else 'Done' end, now() - i * interval '20 s',
                           q.driver_setup_id
                    from generate_series(1, %d) i, queue q where q.name = 'local'""".formatted(pilots));
            s.execute("""
                    insert into director_cycle (queue, director_id, started_at, ended_at, demand, waiting, alive, submitted,
                                                deciding_factor)
                    select 'local', 'bench', now() - i * interval '5 s', now() - i * interval '5 s' + interval '40 ms',
                           0, 0, 0, 0, 'demand'
                    from generate_series(1, %d) i""".formatted(2 * pilots));
            s.execute("analyze");
        }
    }
}
