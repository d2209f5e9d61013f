package io.pilotd.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bench/run [figure...]}: measures the director's figures on this machine and prints each
 * beside the limit it is measured against, in the same run. Figures: roundtrip, recording,
 * statuses, statements, demand, rounds, calls, wakeup, cli and memory (the last two run the built distribution:
 * mvn -B package).
 */
public final class Bench {
    private static final List<String> ALL = List.of("roundtrip", "recording", "statuses", "statements", "demand", "rounds",
            "calls", "wakeup", "cli", "memory");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Set<String> wanted = Set.copyOf(args.length == 0 ? ALL : List.of(args));
        for (String name : wanted) {
            if (!ALL.contains(name)) {
                System.err.println("bench: no figure '" + name + "' (figures: " + String.join(", ", ALL) + ")");
                System.exit(2);
            }
        }
        System.out.println(machine());
        List<Figure> figures = new ArrayList<>();
        try (BenchDatabase db = new BenchDatabase()) {
            DatabaseFigures database = new DatabaseFigures(db);
            if (wanted.contains("roundtrip")) {
                figures.add(database.roundTrip());
            }
            if (wanted.contains("recording")) {
                database.recording(2_000, 4);
                figures.add(database.recording(20_000, 4));
            }
            if (wanted.contains("statuses")) {
                figures.add(database.statusWrites(1_000, 10_000));
            }
            if (wanted.contains("statements")) {
                figures.add(database.statementsPerCycle(1_000));
            }
            if (wanted.contains("demand")) {
                figures.add(database.demand(1_000, 100_000));
            }
            if (wanted.contains("calls")) {
                figures.addAll(new CloudCallFigures().figures());
            }
            if (wanted.contains("rounds")) {
                figures.addAll(new RoundFigures(db).figures());
            }
            if (wanted.contains("wakeup")) {
                figures.addAll(new WakeUpFigures(db).figures());
            }
        }
        for (String needsDistribution : List.of("cli", "memory")) {
            if (wanted.contains(needsDistribution) && !CliFigures.distributionBuilt()) {
                System.out.println(needsDistribution + ": not measured: the distribution is not built (mvn -B package -DskipTests)");
            }
        }
        if (CliFigures.distributionBuilt() && wanted.contains("cli")) {
            figures.addAll(new CliFigures().figures(100_000));
        }
        if (CliFigures.distributionBuilt() && wanted.contains("memory")) {
            figures.add(new CliFigures().memory(100_000));
        }
        print(figures);
    }

    private static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
        return String.format("pilotd bench, %s: %d cores (%s), %d MiB for the JVM, Java %s%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), cpu, Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
    }

    private static void print(List<Figure> figures) {
        int[] widths = {6, 8, 9, 6};
        for (Figure f : figures) {
            widths[0] = Math.max(widths[0], f.name().length());
            widths[1] = Math.max(widths[1], f.measured().length());
            widths[2] = Math.max(widths[2], f.reference().length());
            widths[3] = Math.max(widths[3], f.target().length());
        }
        String format = "%-" + widths[0] + "s | %-" + widths[1] + "s | %-" + widths[2] + "s | %-" + widths[3] + "s | %s%n";
        System.out.printf(format, "figure", "measured", "beside it", "target", "met");
        for (Figure f : figures) {
            System.out.printf(format, f.name(), f.measured(), f.reference(), f.target(), f.target().isEmpty() ? "" : f.met() ? "yes" : "NO");
        }
    }
}
