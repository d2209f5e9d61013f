package io.pilotd.director.cli;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "dirac", description = "What DIRAC needs to know of pilotd.", subcommands = DiracCommand.Cs.class)
final class DiracCommand {

    @Command(name = "cs", description = {
        "Print the configured queues as DIRAC's Configuration System sections, in its CFG format:",
        "/Resources/Sites/<grid>/<site>/CEs/<ce>, CEType Pilotd, and each queue with its limits and tags,",
        "so that DIRAC's tools find the CE of pilotd's pilots (getQueue, getPilotCE) and its pilots'",
        "CheckCECapabilities the queue's. Merge it into the CS (dirac-admin-add-to-cs, or the web's",
        "Configuration Manager)."})
    static final class Cs extends PilotdSubcommand {
        /** A name DIRAC's CFG holds as a section or option: no '/', '{', '}', '=', '#', ',' nor space. */
        private static final Pattern CFG_NAME = Pattern.compile("[A-Za-z0-9_.+:@-]+");
        /** A value on one line, without the ',' that would split it into a list. */
        private static final Pattern CFG_VALUE = Pattern.compile("[^,\\p{Cntrl}]+");

        @Option(names = "--endpoint", required = true, paramLabel = "URL",
                description = "This director's endpoint as DIRAC reaches it, https://host:port (PilotdEndpoint): "
                        + "DIRAC kills, follows and reads pilotd's pilots through it.")
        String endpoint;

        @Option(names = "--key-file", required = true, paramLabel = "FILE",
                description = "Where the DIRAC host keeps the endpoint's API key for these queues (PilotdAPIKeyFile): "
                        + "pilotd endpoint key add NAME --vo VO --queue Q... prints one.")
        String keyFile;

        @Option(names = "--ca-file", paramLabel = "FILE",
                description = "Where the DIRAC host keeps the CA certificates of the endpoint's certificate (PilotdCAFile; "
                        + "default: the system's).")
        String caFile;

        @Override
        protected boolean inspectsOnly() {
            return true;
        }

        @Override
        protected int execute(Session session) {
            PilotdConfig config = session.config();
            check(config);
            Map<String, Map<String, Map<String, Map<String, QueueConfig>>>> grids = new TreeMap<>();
            for (QueueConfig queue : config.queues()) {
                Map<String, QueueConfig> queues = grids.computeIfAbsent(queue.site().split("\\.")[0], g -> new TreeMap<>())
                        .computeIfAbsent(queue.site(), s -> new TreeMap<>()).computeIfAbsent(queue.ce(), c -> new TreeMap<>());
                QueueConfig other = queues.put(queue.queue(), queue);
                if (other != null) {
                    throw new ParameterException(spec.commandLine(), "the queues " + other.name() + " and " + queue.name()
                            + " are both " + queue.site() + " / " + queue.ce() + " / " + queue.queue()
                            + ": DIRAC has one queue there (give one of them another queue)");
                }
            }
            Cfg cfg = new Cfg();
            cfg.comment("pilotd's queues (" + session.configSource().describe() + ") as DIRAC's CS knows them: CEType Pilotd is"
                    + " the ComputingElement of pilotd's DIRAC extension (dirac/).");
            cfg.open("Resources");
            cfg.open("Sites");
            grids.forEach((grid, sites) -> {
                cfg.open(grid);
                sites.forEach((site, ces) -> {
                    cfg.open(site);
                    cfg.open("CEs");
                    ces.forEach((ce, queues) -> {
                        cfg.open(ce);
                        cfg.option("CEType", "Pilotd");
                        cfg.option("PilotdEndpoint", endpoint);
                        cfg.option("PilotdAPIKeyFile", keyFile);
                        if (caFile != null) {
                            cfg.option("PilotdCAFile", caFile);
                        }
                        cfg.open("Queues");
                        queues.forEach((name, queue) -> queue(cfg, queue, config.dirac().osCompatibility()));
                        cfg.close();
                        cfg.close();
                    });
                    cfg.close();
                    cfg.close();
                });
                cfg.close();
            });
            cfg.close();
            cfg.close();
            out().print(cfg);
            out().flush();
            return ExitCodes.OK;
        }

        private static void queue(Cfg cfg, QueueConfig queue, Map<String, List<String>> osCompatibility) {
            Matching m = queue.matching();
            cfg.open(queue.queue());
            cfg.option("PilotdQueue", queue.name());
            cfg.option("MaxTotalJobs", queue.limits().maxRunning());
            cfg.option("MaxWaitingJobs", queue.limits().maxWaiting());
            cfg.option("NumberOfProcessors", m.processors() == null ? 1 : m.processors());
            cfg.option("MaxRAM", m.memoryMB());
            cfg.option("CPUTime", m.maxCpuTime());
            // the platform DIRAC would set from an OS itself (setPlatform), so both sides match alike
            cfg.option("Platform", m.diracPlatform(osCompatibility));
            cfg.option("VO", m.vo());
            cfg.list("Tag", m.tags());
            cfg.list("RequiredTag", m.requiredTags());
            cfg.list("JobType", m.jobTypes());
            cfg.close();
        }

        /** Everything DIRAC would refuse, each named, before a line is printed. */
        private void check(PilotdConfig config) {
            List<String> problems = new ArrayList<>();
            if (!config.endpoint().on()) {
                problems.add("endpoint.port is not set: this director serves no endpoint, so DIRAC could not kill, follow"
                        + " or read its pilots (PilotdEndpoint would answer nothing)");
            }
            try {
                URI uri = new URI(endpoint);
                if (!"https".equals(uri.getScheme()) || uri.getHost() == null || !(uri.getPath() == null
                        || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                    problems.add("--endpoint '" + endpoint + "' is not https://host:port");
                }
            } catch (URISyntaxException e) {
                problems.add("--endpoint '" + endpoint + "' is not a URL: " + e.getReason());
            }
            path(problems, "--key-file", keyFile);
            path(problems, "--ca-file", caFile);
            for (int i = 0; i < config.queues().size(); i++) {
                QueueConfig queue = config.queues().get(i);
                String at = "queues[" + i + "] (" + queue.name() + ")";
                if (queue.site().split("\\.", -1).length != 3) {
                    problems.add(at + ".site '" + queue.site() + "' is not a DIRAC site name <grid>.<name>.<country>"
                            + " (DIRAC's getSiteGrid refuses it)");
                }
                name(problems, at + ".site", queue.site());
                name(problems, at + ".ce", queue.ce());
                name(problems, at + ".queue", queue.queue());
                Matching m = queue.matching();
                value(problems, at + ".matching.platform", m.diracPlatform(config.dirac().osCompatibility()));
                value(problems, at + ".matching.vo", m.vo());
                Map<String, List<String>> lists = new LinkedHashMap<>();
                lists.put("tags", m.tags());
                lists.put("requiredTags", m.requiredTags());
                lists.put("jobTypes", m.jobTypes());
                lists.forEach((key, values) -> {
                    for (int j = 0; j < values.size(); j++) {
                        value(problems, at + ".matching." + key + "[" + j + "]", values.get(j));
                    }
                });
            }
            if (!problems.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "DIRAC's CS cannot hold this, nothing printed:\n  "
                        + String.join("\n  ", problems));
            }
        }

        private static void path(List<String> problems, String option, String value) {
            if (value != null && (!value.startsWith("/") || !CFG_VALUE.matcher(value).matches())) {
                problems.add(option + " '" + value + "' is not an absolute path on the DIRAC host");
            }
        }

        private static void name(List<String> problems, String at, String value) {
            if (!CFG_NAME.matcher(value).matches()) {
                problems.add(at + " '" + value + "' cannot be a name in DIRAC's CFG (letters, digits and . _ + : @ - only)");
            }
        }

        private static void value(List<String> problems, String at, String value) {
            if (value != null && !CFG_VALUE.matcher(value).matches()) {
                problems.add(at + " '" + value + "' cannot be a value in DIRAC's CFG (one line, no ',' which splits lists)");
            }
        }
    }

    /** DIRAC's CFG text (diraccfg): sections as NAME, '{', its lines indented, '}'; options as NAME = VALUE. */
    private static final class Cfg {
        private final StringBuilder text = new StringBuilder();
        private int depth;

        void comment(String line) {
            indent().append("# ").append(line).append('\n');
        }

        void open(String section) {
            indent().append(section).append('\n');
            indent().append("{\n");
            depth++;
        }

        void close() {
            depth--;
            indent().append("}\n");
        }

        void option(String name, Object value) {
            if (value != null) {
                indent().append(name).append(" = ").append(value).append('\n');
            }
        }

        void list(String name, List<String> values) {
            if (values != null && !values.isEmpty()) {
                option(name, String.join(", ", values));
            }
        }

        private StringBuilder indent() {
            return text.append("  ".repeat(depth));
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
