package io.pilotd.director.config;

import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import io.pilotd.driver.api.SecretFiles;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.ServerCredentials;
import io.pilotd.proxy.TrustAnchors;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the values of a bound config: required fields, ranges, unique queue names, known drivers,
 * and each driver's own parameters (the driver names what is wrong).
 */
public final class ConfigValidator {
    /**
     * Connections used beside the cycles: Quartz's job store (scheduling, misfires, cluster
     * check-in), and the director's registration and its cycle locks, each held for as long as
     * it runs.
     */
    static final int CONNECTIONS_BESIDE_CYCLES = 5;
    /** A queue cycled more rarely would learn of its pilots' ends, and of a stuck one, hours late. */
    static final Duration MAX_CYCLE = Duration.ofHours(1);
    /** A delegated proxy shorter than this would die before its pilot started. */
    static final Duration MIN_DELEGATION = Duration.ofMinutes(30);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * One problem, before it is given its file and line; with {@code warning}, something that
     * may not work yet: said, not refused.
     */
    record Finding(FieldPath path, String message, boolean warning) {
        Finding(FieldPath path, String message) {
            this(path, message, false);
        }
    }

    private final DriverCatalog drivers;
    private final boolean buildDrivers;

    /** Checks everything, each queue's driver parameters by building its driver. */
    public ConfigValidator(DriverCatalog drivers) {
        this(drivers, true);
    }

    private ConfigValidator(DriverCatalog drivers, boolean buildDrivers) {
        this.drivers = drivers;
        this.buildDrivers = buildDrivers;
    }

    /**
     * For commands that only read the database (pilots, queues, reports): everything but the
     * drivers' own parameters, whose check builds each driver (a cloud SDK's client takes a
     * second to load); those commands must answer at once, and work while a driver's
     * parameters are wrong. {@code config check} and the daemon check them.
     */
    public static ConfigValidator forInspection(DriverCatalog drivers) {
        return new ConfigValidator(drivers, false);
    }

    /**
     * The connections a director cannot do without: one per cycle, those beside the cycles, one
     * for the cluster duties (retention, the DIRAC poll, the PilotAgents mirror), one per endpoint
     * worker.
     */
    static int connectionsNeeded(DirectorSettings director, EndpointSettings endpoint) {
        return director.threads() + CONNECTIONS_BESIDE_CYCLES + 1 + (endpoint.on() ? endpoint.threads() : 0);
    }

    /** The pool's default: what is needed, and as many again for the lane of slow queues' cycles. */
    static int defaultPoolSize(DirectorSettings director, EndpointSettings endpoint) {
        return connectionsNeeded(director, endpoint) + director.threads();
    }

    List<Finding> validate(PilotdConfig config) {
        List<Finding> findings = new ArrayList<>();
        director(config.director(), FieldPath.ROOT.key("director"), findings);
        database(config.database(), FieldPath.ROOT.key("database"), findings);
        int endpointThreads = config.endpoint().on() ? config.endpoint().threads() : 0;
        int needed = connectionsNeeded(config.director(), config.endpoint());
        if (config.database().poolSize() < needed) {
            findings.add(new Finding(FieldPath.ROOT.key("database").key("poolSize"), "must be at least director.threads + "
                    + (CONNECTIONS_BESIDE_CYCLES + 1) + (endpointThreads > 0 ? " + endpoint.threads" : "") + " = " + needed
                    + " (a connection per cycle, Quartz's own and the director's, one for the work done once per cluster"
                    + (endpointThreads > 0 ? ", one per endpoint request worked on" : "") + "), not "
                    + config.database().poolSize()));
        }
        proxy(config.proxy(), FieldPath.ROOT.key("proxy"), findings);
        pilot(config.pilot(), FieldPath.ROOT.key("pilot"), findings);
        demand(config.demand(), config.dirac(), findings);
        endpoint(config.endpoint(), FieldPath.ROOT.key("endpoint"), findings);
        tokenIssuers(config, FieldPath.ROOT.key("endpoint").key("tokens"), findings);
        config.sites().forEach((name, site) -> site(site, FieldPath.ROOT.key("sites").key(name), findings));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < config.queues().size(); i++) {
            FieldPath at = FieldPath.ROOT.key("queues").index(i);
            QueueConfig queue = config.queues().get(i);
            if (queue == null) {
                findings.add(new Finding(at, "is empty"));
                continue;
            }
            if (queue.name() != null && !names.add(queue.name())) {
                findings.add(new Finding(at.key("name"), "'" + queue.name() + "' names two queues"));
            }
            queue(queue, at, config, findings);
            if (!queue.matching().jobTypes().isEmpty() && !config.demand().fromDirac()) {
                findings.add(new Finding(at.key("matching").key("jobTypes"), "applies to DIRAC's TaskQueueDB only"
                        + " (demand.source: dirac): pilotd's own task queue has no job types"));
            }
            if (config.demand().fromDirac()) {
                diracMatching(queue.matching(), at.key("matching"), findings);
            }
            if (queue.site() != null && !queue.site().isBlank() && !config.sites().containsKey(queue.site())) {
                findings.add(new Finding(at.key("site"), "'" + queue.site() + "' is not in the sites section"
                        + " (declared: " + String.join(", ", config.sites().keySet()) + ")"));
            }
        }
        return findings;
    }

    private static void site(SiteConfig site, FieldPath at, List<Finding> findings) {
        if (site == null) {
            findings.add(new Finding(at, "is empty: write {} for a site without caps"));
            return;
        }
        cap(site.maxRunning(), at.key("maxRunning"), findings);
        cap(site.maxWaiting(), at.key("maxWaiting"), findings);
        cap(site.maxCores(), at.key("maxCores"), findings);
    }

    private static void cap(Integer value, FieldPath at, List<Finding> findings) {
        if (value != null && value < 1) {
            findings.add(new Finding(at, "must be at least 1, not " + value + " (leave the cap out for no cap)"));
        }
    }

    private static void retention(RetentionSettings retention, FieldPath at, List<Finding> findings) {
        atLeast(retention.cycles(), RetentionSettings.SHORTEST, at.key("cycles"), findings);
        atLeast(retention.pilotHistory(), RetentionSettings.SHORTEST, at.key("pilotHistory"), findings);
        atLeast(retention.pilotFiles(), RetentionSettings.SHORTEST, at.key("pilotFiles"), findings);
        atLeast(retention.endpointAudit(), RetentionSettings.SHORTEST, at.key("endpointAudit"), findings);
        atLeast(retention.every(), RetentionSettings.MOST_OFTEN, at.key("every"), findings);
    }

    private static void atLeast(Duration value, Duration least, FieldPath at, List<Finding> findings) {
        if (value.compareTo(least) < 0) {
            findings.add(new Finding(at, "must be at least " + Durations.format(least) + ", not " + Durations.format(value)));
        }
    }

    private static void director(DirectorSettings director, FieldPath at, List<Finding> findings) {
        if (director.id() != null && !NAME.matcher(director.id()).matches()) {
            findings.add(new Finding(at.key("id"), "'" + director.id()
                    + "' must be 1-64 letters, digits, '.', '_' or '-' (it becomes a cloud tag)"));
        }
        range(director.metricsPort(), 0, 65_535, at.key("metricsPort"), findings);
        if (director.metricsAddress().isBlank()) {
            findings.add(new Finding(at.key("metricsAddress"), "is empty: give an address such as 127.0.0.1 or 0.0.0.0"));
        }
        range(director.threads(), 1, 256, at.key("threads"), findings);
        positive(director.shutdownGrace(), at.key("shutdownGrace"), findings);
        range(director.sweepEvery(), 1, 10_000, at.key("sweepEvery"), findings);
        range(director.maxSubmitCount(), 1, 10_000_000, at.key("maxSubmitCount"), findings);
        retention(director.retention(), at.key("retention"), findings);
    }

    private static void database(DatabaseSettings database, FieldPath at, List<Finding> findings) {
        if (database.url() != null && !database.url().startsWith("jdbc:postgresql:")) {
            findings.add(new Finding(at.key("url"), "'" + database.url() + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)"));
        }
        if (database.passwordFile() != null && database.passwordEnv() != null) {
            findings.add(new Finding(at.key("passwordEnv"), "give passwordFile or passwordEnv, not both"));
        }
        // up to what the largest threads and endpoint.threads derive (2 × 256 + 6 + 64)
        range(database.poolSize(), 1, 600, at.key("poolSize"), findings);
        if (database.passwordFile() != null) {
            secretFile(Path.of(database.passwordFile()), at.key("passwordFile"), findings);
        }
    }

    private static void demand(DemandSettings demand, DiracSettings dirac, List<Finding> findings) {
        FieldPath at = FieldPath.ROOT.key("demand");
        if (!DemandSettings.PILOTD.equals(demand.source()) && !demand.fromDirac()) {
            findings.add(new Finding(at.key("source"), "'" + demand.source() + "' is not a demand source (one of: "
                    + DemandSettings.PILOTD + ", " + DemandSettings.DIRAC + ")"));
        }
        atLeast(demand.poll(), Duration.ofSeconds(1), at.key("poll"), findings);
        atLeast(demand.minGap(), Duration.ofSeconds(1), at.key("minGap"), findings);
        FieldPath diracAt = FieldPath.ROOT.key("dirac");
        if (demand.fromDirac() && dirac.taskQueueDB() == null) {
            findings.add(new Finding(diracAt.key("taskQueueDB"), "is required by demand.source: dirac (url, user, and"
                    + " passwordFile or passwordEnv of DIRAC's TaskQueueDB)"));
        }
        if (dirac.taskQueueDB() != null) {
            diracDatabase(dirac.taskQueueDB(), diracAt.key("taskQueueDB"), findings);
        }
        if (dirac.pilotAgentsDB() != null) {
            diracDatabase(dirac.pilotAgentsDB(), diracAt.key("pilotAgentsDB"), findings);
        }
        atLeast(dirac.mirrorEvery(), Duration.ofSeconds(1), diracAt.key("mirrorEvery"), findings);
        atLeast(dirac.touchEvery(), dirac.mirrorEvery(), diracAt.key("touchEvery"), findings);
        if (dirac.touchEvery().compareTo(DiracSettings.PILOT_STALLED.dividedBy(2)) > 0) {
            findings.add(new Finding(diracAt.key("touchEvery"), "must be at most " + Durations.format(DiracSettings.PILOT_STALLED
                    .dividedBy(2)) + ", not " + Durations.format(dirac.touchEvery()) + ": DIRAC's PilotStatusAgent takes a pilot"
                    + " not updated for PilotStalledDays (3 days) for a stalled one and kills it"));
        }
        dirac.osCompatibility().forEach((platform, oses) -> {
            FieldPath platformAt = diracAt.key("osCompatibility").key(platform);
            if (oses.isEmpty()) {
                findings.add(new Finding(platformAt, "lists no OS (DIRAC's OSCompatibility: platform = os1, os2, ...)"));
            }
            for (int i = 0; i < oses.size(); i++) {
                if (oses.get(i) == null || oses.get(i).isBlank()) {
                    findings.add(new Finding(platformAt.index(i), "is empty"));
                }
            }
        });
    }

    /**
     * A queue's platform is its own, or derived from an OS as DIRAC derives it from a CE's OS
     * (QueueUtilities.setPlatform): never both, as DIRAC would ignore the OS.
     */
    private static void platform(Matching matching, FieldPath at, List<Finding> findings) {
        if (matching.os() != null && matching.platform() != null) {
            findings.add(new Finding(at.key("os"), "'" + matching.os() + "' is ignored beside matching.platform '"
                    + matching.platform() + "' (DIRAC takes a queue's Platform as it is): give one of them"));
        }
        if (matching.os() != null && (matching.os().isBlank() || matching.architecture().isBlank())) {
            findings.add(new Finding(at.key(matching.os().isBlank() ? "os" : "architecture"), "is empty"));
        }
        if (matching.os() == null && matching.architecture() != null) {
            findings.add(new Finding(at.key("architecture"), "'" + matching.architecture() + "' applies with matching.os"
                    + " only (the platform is <architecture>_<os>)"));
        }
    }

    private static void endpoint(EndpointSettings endpoint, FieldPath at, List<Finding> findings) {
        range(endpoint.port(), 0, 65_535, at.key("port"), findings);
        range(endpoint.maxBodyKiB(), 1, 65_536, at.key("maxBodyKiB"), findings);
        range(endpoint.threads(), 1, 64, at.key("threads"), findings);
        range(endpoint.failedAuthPerMinute(), 1, 100_000, at.key("failedAuthPerMinute"), findings);
        if (endpoint.minProxyLifetime().isNegative()) {
            findings.add(new Finding(at.key("minProxyLifetime"), "must not be negative"));
        }
        trustAnchors(endpoint.trustAnchors(), at.key("trustAnchors"), findings);
        if (!endpoint.on()) {
            return;
        }
        if (!endpoint.tls()) {
            if (!loopback(endpoint.address())) {
                findings.add(new Finding(at, "has a port and no certificate and key: it would speak plain HTTP, which it"
                        + " does on a loopback address only (behind a proxy that ends TLS), not on " + endpoint.address()));
            }
            return;
        }
        required(endpoint.certificate(), at.key("certificate"), findings);
        required(endpoint.key(), at.key("key"), findings);
        if (endpoint.certificate() == null || endpoint.key() == null) {
            return;
        }
        Path key = Path.of(endpoint.key());
        int before = findings.size();
        secretFile(key, at.key("key"), findings);
        if (findings.size() > before) {
            return;
        }
        try {
            ServerCredentials.keyStore(Path.of(endpoint.certificate()), key, new char[0]);
        } catch (ProxyException e) {
            findings.add(new Finding(at.key(e.getMessage().startsWith(endpoint.key() + ":") ? "key" : "certificate"),
                    e.getMessage()));
        }
    }

    private static void tokenIssuers(PilotdConfig config, FieldPath at, List<Finding> findings) {
        Set<String> queues = new HashSet<>();
        config.queues().stream().filter(Objects::nonNull).forEach(q -> queues.add(q.name()));
        Set<String> issuers = new HashSet<>();
        List<TokenIssuer> tokens = config.endpoint().tokens();
        for (int i = 0; i < tokens.size(); i++) {
            TokenIssuer issuer = tokens.get(i);
            FieldPath it = at.index(i);
            if (issuer == null) {
                findings.add(new Finding(it, "is empty"));
                continue;
            }
            required(issuer.issuer(), it.key("issuer"), findings);
            if (issuer.issuer() != null && !issuers.add(issuer.issuer())) {
                findings.add(new Finding(it.key("issuer"), "'" + issuer.issuer() + "' is given twice"));
            }
            required(issuer.vo(), it.key("vo"), findings);
            if (issuer.audience().isEmpty()) {
                findings.add(new Finding(it.key("audience"), "is required: the aud values its tokens must carry one of"
                        + " (this endpoint's URL, or https://wlcg.cern.ch/jwt/v1/any)"));
            }
            range(issuer.ratePerMinute(), 1, 1_000_000, it.key("ratePerMinute"), findings);
            jwks(issuer, it.key("jwks"), findings);
            if (issuer.groups().isEmpty()) {
                findings.add(new Finding(it.key("groups"), "is required: each wlcg.groups group and the queues its tokens may use"));
            }
            issuer.groups().forEach((group, groupQueues) -> {
                FieldPath g = it.key("groups").key(group);
                if (!group.startsWith("/")) {
                    findings.add(new Finding(g, "'" + group + "' is not a group of the WLCG profile (/vo/group...)"));
                }
                if (groupQueues == null || groupQueues.isEmpty()) {
                    findings.add(new Finding(g, "names no queue"));
                    return;
                }
                groupQueues.stream().filter(q -> !queues.contains(q))
                        .forEach(q -> findings.add(new Finding(g, "'" + q + "' is not a queue of this config")));
            });
        }
    }

    private static void jwks(TokenIssuer issuer, FieldPath at, List<Finding> findings) {
        String jwks = issuer.jwks();
        if (jwks == null || jwks.isBlank()) {
            findings.add(new Finding(at, "is required: the issuer's jwks_uri (https://...), or a JWK Set file"));
        } else if (issuer.remoteKeys()) {
            String host;
            try {
                host = URI.create(jwks).getHost();
            } catch (IllegalArgumentException e) {
                host = null;
            }
            if (host == null) {
                findings.add(new Finding(at, "'" + jwks + "' is not a URL"));
            } else if (jwks.startsWith("http://") && !loopback(host)) {
                findings.add(new Finding(at, "'" + jwks + "' is plain HTTP: the keys that sign tokens are fetched over https"
                        + " only (but from this host)"));
            }
        } else if (!issuer.remoteKeys() && !Files.isReadable(Path.of(jwks))) {
            findings.add(new Finding(at, "'" + jwks + "' is neither an https URL nor a file that can be read"));
        }
    }

    private static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void diracDatabase(DiracSettings.Connection database, FieldPath at, List<Finding> findings) {
        if (database.url() == null) {
            findings.add(new Finding(at.key("url"), "is required (jdbc:mariadb://host:3306/<database>)"));
        } else if (!database.url().startsWith("jdbc:mariadb:")) {
            findings.add(new Finding(at.key("url"), "'" + database.url() + "' is not a MariaDB Connector/J URL"
                    + " (jdbc:mariadb://host:3306/<database>)"));
        }
        required(database.user(), at.key("user"), findings);
        if (database.passwordFile() != null && database.passwordEnv() != null) {
            findings.add(new Finding(at.key("passwordEnv"), "give passwordFile or passwordEnv, not both"));
        }
        if (database.passwordFile() != null) {
            secretFile(Path.of(database.passwordFile()), at.key("passwordFile"), findings);
        }
    }

    /** A secret file must exist and be readable by its owner only (a unit's pre-start check runs this). */
    private static void secretFile(Path file, FieldPath at, List<Finding> findings) {
        if (!Files.isRegularFile(file)) {
            findings.add(new Finding(at, "'" + file + "' is not a file"));
            return;
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (SecretFiles.openToOthers(mode)) {
                findings.add(new Finding(at, "'" + file + "' is readable by others (" + PosixFilePermissions.toString(mode)
                        + "): chmod 600 it"));
            }
        } catch (IOException | UnsupportedOperationException e) {
            findings.add(new Finding(at, "cannot check '" + file + "': " + e.getMessage()));
        }
    }

    private void queue(QueueConfig queue, FieldPath at, PilotdConfig config, List<Finding> findings) {
        DirectorSettings director = config.director();
        if (queue.name() == null) {
            findings.add(new Finding(at.key("name"), "is required"));
        } else if (!NAME.matcher(queue.name()).matches()) {
            findings.add(new Finding(at.key("name"), "'" + queue.name() + "' must be 1-64 letters, digits, '.', '_' or '-'"));
        }
        required(queue.site(), at.key("site"), findings);
        required(queue.ce(), at.key("ce"), findings);
        required(queue.queue(), at.key("queue"), findings);
        if (queue.cycle().compareTo(Duration.ofSeconds(1)) < 0 || queue.cycle().compareTo(MAX_CYCLE) > 0) {
            findings.add(new Finding(at.key("cycle"), "must be between 1s and " + Durations.format(MAX_CYCLE) + ", not "
                    + Durations.format(queue.cycle()) + ": the cycle is also when the queue's pilots are followed and its"
                    + " limits enforced"));
        }
        if (queue.consistencyWindow() != null && queue.consistencyWindow().isNegative()) {
            findings.add(new Finding(at.key("consistencyWindow"), "must not be negative"));
        }
        limits(queue.limits(), at.key("limits"), findings);
        price(queue.price(), at.key("price"), findings);
        matching(queue.matching(), at.key("matching"), findings);
        proxy(queue.proxy(), at.key("proxy"), findings);
        pilot(queue.pilot(), at.key("pilot"), findings);
        if (queue.driver() == null) {
            findings.add(new Finding(at.key("driver"), "is required (one of: " + String.join(", ", drivers.names()) + ")"));
            return;
        }
        Optional<PilotDriverFactory> factory = drivers.factory(queue.driver());
        if (factory.isEmpty()) {
            findings.add(new Finding(at.key("driver"), "unknown driver '" + queue.driver()
                    + "' (installed: " + String.join(", ", drivers.names()) + ")"));
            return;
        }
        if (!buildDrivers) {
            return;
        }
        String queueName = queue.name() == null ? "queue" : queue.name();
        DriverContext context = new DriverContext(director.id() == null ? "pilotd" : director.id(), queueName,
                DataDirs.driverDir(DataDirs.resolve(null, director.dataDir()), queueName), queue.matching().pilotSize());
        try (PilotDriver driver = factory.get().create(new DriverParameters(queue.parameters()), context)) {
            if (driver.runsPilotWrapper() && queue.pilot().over(config.pilot()).locationsOrNone().isEmpty()) {
                findings.add(new Finding(at, "its pilots run the DIRAC pilot wrapper, which needs pilot.locations: where the"
                        + " pilot files are (an https URL or a CVMFS directory), set globally or in the queue's pilot section"));
            }
            for (InvalidParametersException.Problem doubt : factory.get().warnings(new DriverParameters(queue.parameters()))) {
                findings.add(new Finding(at.key("parameters").keys(doubt.parameter()), doubt.message(), true));
            }
        } catch (InvalidParametersException e) {
            for (InvalidParametersException.Problem problem : e.problems()) {
                findings.add(new Finding(at.key("parameters").keys(problem.parameter()), problem.message()));
            }
        }
    }

    private static void proxy(ProxySettings proxy, FieldPath at, List<Finding> findings) {
        if (proxy.file() != null) {
            secretFile(Path.of(proxy.file()), at.key("file"), findings);
        }
        if (proxy.minLifetime() != null && proxy.minLifetime().isNegative()) {
            findings.add(new Finding(at.key("minLifetime"), "must not be negative"));
        }
        if (proxy.delegate() != null && proxy.delegate().compareTo(MIN_DELEGATION) < 0) {
            findings.add(new Finding(at.key("delegate"), "must be at least " + Durations.format(MIN_DELEGATION)
                    + ", not " + Durations.format(proxy.delegate())));
        }
        trustAnchors(proxy.trustAnchors(), at.key("trustAnchors"), findings);
    }

    private static void trustAnchors(String directory, FieldPath at, List<Finding> findings) {
        if (directory != null) {
            try {
                TrustAnchors.read(Path.of(directory));
            } catch (ProxyException e) {
                findings.add(new Finding(at, e.getMessage()));
            }
        }
    }

    private static void pilot(PilotSettings pilot, FieldPath at, List<Finding> findings) {
        List<String> locations = pilot.locationsOrNone();
        for (int i = 0; i < locations.size(); i++) {
            String location = locations.get(i);
            if (location == null || !(location.startsWith("https://") || location.startsWith("http://")
                    || location.startsWith("file:/") || location.startsWith("/"))) {
                findings.add(new Finding(at.key("locations").index(i), "'" + location
                        + "' is neither an http(s) or file: URL nor an absolute directory"));
            }
        }
        if (pilot.templates() != null && !Files.isDirectory(Path.of(pilot.templates()))) {
            findings.add(new Finding(at.key("templates"), "'" + pilot.templates() + "' is not a directory"));
        }
        List<String> parts = pilot.userDataPartsOrNone();
        for (int i = 0; i < parts.size(); i++) {
            userDataPart(parts.get(i), at.key("userDataParts").index(i), findings);
        }
        if (pilot.cvmfs() != null && pilot.cvmfs().repositories().isEmpty()) {
            findings.add(new Finding(at.key("cvmfs").key("repositories"), "is required: the repositories the pilots mount"));
        }
        pilotOptions(pilot, at, findings);
    }

    /**
     * What DIRAC's matching needs of the CE description a queue stands for: a CPUTime
     * (TaskQueueDB's mandatory match field), and required tags among the offered ones (else
     * __generateTQMatchSQL answers 'Wrong conditions' and nothing matches).
     */
    private static void diracMatching(Matching matching, FieldPath at, List<Finding> findings) {
        if (matching.maxCpuTime() == null) {
            findings.add(new Finding(at.key("maxCpuTime"), "is required with demand.source: dirac: DIRAC matches no task"
                    + " queue to a queue without a CPU time; give the longest CPU time, in seconds, its pilots offer a job"));
        }
        boolean any = matching.requiredTags().stream().anyMatch(t -> t.replaceAll("\\p{Punct}", "").equalsIgnoreCase("any"));
        for (int i = 0; i < matching.requiredTags().size() && !any; i++) {
            String tag = matching.requiredTags().get(i);
            if (!matching.offers(tag)) {
                findings.add(new Finding(at.key("requiredTags").index(i), "'" + tag + "' is not among the tags the queue"
                        + " offers (its tags, and those DIRAC derives from processors and memoryMB): DIRAC refuses such a"
                        + " description, and the queue would match nothing"));
            }
        }
    }

    /** SiteDirector's options: one line each, paths absolute, and one of the three DIRAC environments at most. */
    private static void pilotOptions(PilotSettings pilot, FieldPath at, List<Finding> findings) {
        List<String> environments = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("preinstalledEnv", pilot.preinstalledEnv());
        values.put("preinstalledEnvPrefix", pilot.preinstalledEnvPrefix());
        values.put("cvmfsLocations", pilot.cvmfsLocations());
        values.put("sharedArea", pilot.sharedArea());
        values.put("userEnvVariables", pilot.userEnvVariables());
        values.put("modules", pilot.modules());
        values.put("pipInstallOptions", pilot.pipInstallOptions());
        for (Map.Entry<String, String> option : values.entrySet()) {
            String value = option.getValue();
            if (value == null) {
                continue;
            }
            FieldPath key = at.key(option.getKey());
            if (value.chars().anyMatch(Character::isISOControl)) {
                findings.add(new Finding(key, "must be one line, without control characters"));
            } else if (value.isBlank() || !value.equals(value.strip())) {
                findings.add(new Finding(key, "'" + value + "' must not be blank nor start or end with spaces"));
            } else if (List.of("preinstalledEnv", "preinstalledEnvPrefix", "sharedArea").contains(option.getKey())
                    && !value.startsWith("/")) {
                findings.add(new Finding(key, "'" + value + "' is not an absolute path on the worker"));
            } else if (option.getKey().equals("cvmfsLocations")
                    && Arrays.stream(value.split(",")).anyMatch(p -> !p.strip().startsWith("/"))) {
                findings.add(new Finding(key, "'" + value + "' is not a comma-separated list of absolute paths"));
            }
            if (option.getKey().startsWith("preinstalledEnv") || option.getKey().equals("cvmfsLocations")) {
                environments.add(option.getKey());
            }
        }
        if (environments.size() > 1) {
            findings.add(new Finding(at.key(environments.get(1)), "cannot be set with " + environments.get(0)
                    + ": the pilot takes one DIRAC environment (DIRAC's SiteDirector passes only the first of"
                    + " preinstalledEnv, preinstalledEnvPrefix, cvmfsLocations)"));
        }
        List<String> generic = pilot.genericOptionsOrNone();
        for (int i = 0; i < generic.size(); i++) {
            String option = generic.get(i);
            if (option == null || !option.matches("[^=\\s]+=\\S.*") || option.chars().anyMatch(Character::isISOControl)) {
                findings.add(new Finding(at.key("genericOptions").index(i), "'" + option
                        + "' is not a DIRAC configuration option, /Section/Option=value on one line"));
            }
        }
    }

    private static void userDataPart(String part, FieldPath at, List<Finding> findings) {
        try {
            String text = Files.readString(Path.of(part));
            if (MultipartUserData.type(text) == null) {
                findings.add(new Finding(at, "'" + part + "' must start with #cloud-config, #!, #include, #cloud-boothook,"
                        + " #part-handler or '## template: jinja', for cloud-init to know what it is"));
            }
        } catch (IOException | RuntimeException e) {
            findings.add(new Finding(at, "cannot read '" + part + "': " + e.getMessage()));
        }
    }

    private static void price(Price price, FieldPath at, List<Finding> findings) {
        if (price == null) {
            return;
        }
        if ((price.perPilotHour() == null) == (price.perCoreHour() == null)) {
            findings.add(new Finding(at, "gives perPilotHour or perCoreHour, one of the two"));
            return;
        }
        String key = price.perPilotHour() != null ? "perPilotHour" : "perCoreHour";
        double value = price.perPilotHour() != null ? price.perPilotHour() : price.perCoreHour();
        if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
            findings.add(new Finding(at.key(key), "must be a price of 0 or more, not " + value));
        }
    }

    private static void limits(QueueLimits limits, FieldPath at, List<Finding> findings) {
        if (limits.maxRunning() == null) {
            findings.add(new Finding(at.key("maxRunning"), "is required"));
        } else {
            range(limits.maxRunning(), 0, Integer.MAX_VALUE, at.key("maxRunning"), findings);
        }
        if (limits.maxWaiting() == null) {
            findings.add(new Finding(at.key("maxWaiting"), "is required"));
        } else {
            range(limits.maxWaiting(), 0, Integer.MAX_VALUE, at.key("maxWaiting"), findings);
        }
        range(limits.maxPerCycle(), 0, Integer.MAX_VALUE, at.key("maxPerCycle"), findings);
        positive(limits.maxWaitingTime(), at.key("maxWaitingTime"), findings);
        range(limits.maxFailedPilots(), 0, Integer.MAX_VALUE, at.key("maxFailedPilots"), findings);
        positive(limits.failedPilotsWindow(), at.key("failedPilotsWindow"), findings);
        range(limits.emptyPilots().window(), 0, 1000, at.key("emptyPilots").key("window"), findings);
        range(limits.emptyPilots().threshold(), 0, 100, at.key("emptyPilots").key("threshold"), findings);
        if (limits.maxLifetime().compareTo(QueueLimits.MIN_LIFETIME) < 0) {
            findings.add(new Finding(at.key("maxLifetime"), "must be at least "
                    + Durations.format(QueueLimits.MIN_LIFETIME) + ", not " + Durations.format(limits.maxLifetime())));
        }
    }

    private static void matching(Matching matching, FieldPath at, List<Finding> findings) {
        range(matching.processors(), 1, 4096, at.key("processors"), findings);
        platform(matching, at, findings);
        if (matching.memoryMB() != null) {
            range(matching.memoryMB(), 0, Integer.MAX_VALUE, at.key("memoryMB"), findings);
        }
        if (matching.maxCpuTime() != null && matching.maxCpuTime() < 0) {
            findings.add(new Finding(at.key("maxCpuTime"), "must not be negative, not " + matching.maxCpuTime()));
        }
    }

    private static void required(String value, FieldPath at, List<Finding> findings) {
        if (value == null || value.isBlank()) {
            findings.add(new Finding(at, "is required"));
        }
    }

    private static void range(int value, int min, int max, FieldPath at, List<Finding> findings) {
        if (value < min) {
            findings.add(new Finding(at, (min == 0 ? "must not be negative" : "must be at least " + min) + ", not " + value));
        } else if (value > max) {
            findings.add(new Finding(at, "must be at most " + max + ", not " + value));
        }
    }

    private static void positive(Duration value, FieldPath at, List<Finding> findings) {
        if (value.isZero() || value.isNegative()) {
            findings.add(new Finding(at, "must be longer than zero"));
        }
    }
}
