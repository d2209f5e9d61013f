package io.pilotd.director.payload;

import io.pilotd.director.config.MultipartUserData;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.store.QueueRow;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.proxy.ProxyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What every pilot of a submission carries: its environment (where it runs: DIRAC's site, CE
 * and queue; its batch, from which it derives its stamp where the driver cannot set it), its
 * proxy, the DIRAC pilot wrapper made for its queue, and the bootstrap and user-data that carry
 * them into a container or a VM. A queue's own {@code pilot} and {@code proxy} settings apply
 * over the global ones.
 */
public final class PilotEnvironment {
    /** Requests of recent batches, so that a batch asked about again is the same request (EC2's idempotency token compares them). */
    private static final int REMEMBERED = 1024;

    private final PilotSettings pilot;
    private final ProxySettings proxy;
    private final Map<String, QueueConfig> queues;
    private final String directorId;
    private final PilotProxies proxies;
    private final Map<String, PayloadRenderer> renderers = new ConcurrentHashMap<>();
    private final Map<String, PilotRequest> recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PilotRequest> eldest) {
            return size() > REMEMBERED;
        }
    });

    private PilotEnvironment(PilotSettings pilot, ProxySettings proxy, List<QueueConfig> queues, String directorId, Clock clock) {
        this.pilot = pilot;
        this.proxy = proxy;
        this.queues = queues.stream().collect(Collectors.toMap(QueueConfig::name, Function.identity(), (a, b) -> a));
        this.directorId = directorId;
        this.proxies = new PilotProxies(clock);
    }

    public static PilotEnvironment of(PilotdConfig config, String directorId, Clock clock) {
        return new PilotEnvironment(config.pilot(), config.proxy(), config.queues(), directorId, clock);
    }

    /** No proxy and no DIRAC options: pilots that are not DIRAC pilots (tests, the demo). */
    public static PilotEnvironment none(String directorId) {
        return new PilotEnvironment(PilotSettings.none(), ProxySettings.none(), List.of(), directorId, Clock.systemUTC());
    }

    public PilotSettings pilotSettings(String queue) {
        QueueConfig config = queues.get(queue);
        return config == null ? pilot : config.pilot().over(pilot);
    }

    public ProxySettings proxySettings(String queue) {
        QueueConfig config = queues.get(queue);
        return config == null ? proxy : config.proxy().over(proxy);
    }

    /** How long the queue's proxy is valid for, or empty when its pilots carry none. */
    public Optional<Duration> proxyTimeLeft(String queue) {
        return proxies.timeLeft(proxySettings(queue));
    }

    /** Whether the queue's pilots can be given their proxy now, and which. */
    public PilotProxies.Verdict checkProxy(QueueRow queue) {
        return proxies.check(proxySettings(queue.name()), queue.vo());
    }

    /**
     * The request for a batch of a queue, with the proxy the verdict allows.
     *
     * @throws ProxyException when a proxy cannot be delegated
     */
    public PilotRequest request(QueueRow queue, String batchId, List<String> stamps, PilotProxies.Verdict verdict)
            throws ProxyException {
        String pem = proxies.pem(verdict, proxySettings(queue.name()));
        PilotRequest request = new PilotRequest(batchId, stamps, payload(queue, batchId, pem), queue.maxLifetime());
        recent.put(batchId, request);
        return request;
    }

    /**
     * The request of a batch made before, to ask the cloud about it: the very one when this
     * director made it, else made again (with the proxy as it is now, or without one).
     */
    public PilotRequest requestAgain(QueueRow queue, String batchId, List<String> stamps) {
        PilotRequest made = recent.get(batchId);
        if (made != null && made.stamps().equals(stamps)) {
            return made;
        }
        PilotProxies.Verdict verdict = checkProxy(queue);
        String pem = verdict.proxy() != null && proxySettings(queue.name()).delegate() == null ? verdict.proxy().pem() : null;
        return new PilotRequest(batchId, stamps, payload(queue, batchId, pem), queue.maxLifetime());
    }

    /**
     * The request for pilots whose proxy and wrapper their requester supplied (the serverless
     * endpoint): the queue's environment, bootstrap and user-data carry them.
     */
    public PilotRequest supplied(QueueRow queue, String batchId, List<String> stamps, String pem, String wrapper) {
        PilotRequest request = new PilotRequest(batchId, stamps, payload(queue, batchId, pem, wrapper), queue.maxLifetime());
        recent.put(batchId, request);
        return request;
    }

    /** @param pem the proxy the pilots carry, or null */
    public PilotPayload payload(QueueRow queue, String batchId, String pem) {
        return payload(queue, batchId, pem, null);
    }

    /** @param suppliedWrapper the wrapper a requester supplied, or null for the one made for the queue */
    private PilotPayload payload(QueueRow queue, String batchId, String pem, String suppliedWrapper) {
        PilotSettings settings = pilotSettings(queue.name());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PILOTD_BATCH", batchId);
        env.put("PILOTD_QUEUE", queue.name());
        env.put("PILOTD_DIRECTOR_ID", directorId);
        env.put("DIRAC_SITE", queue.site());
        env.put("DIRAC_CE", queue.ce());
        env.put("DIRAC_QUEUE", queue.ceQueue());
        putIfSet(env, "DIRAC_VO", queue.vo());
        putIfSet(env, "DIRAC_SETUP", settings.setup());
        if (settings.cvmfs() != null) {
            env.put("PILOTD_CVMFS_REPOSITORIES", String.join(",", settings.cvmfs().repositories()));
            putIfSet(env, "PILOTD_CVMFS_HTTP_PROXY", settings.cvmfs().httpProxy());
        }
        Map<String, String> secrets = pem == null ? Map.of()
                : Map.of(PilotPayload.PROXY_VARIABLE, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII)));
        PayloadRenderer renderer = renderer(settings);
        String wrapper = suppliedWrapper != null ? suppliedWrapper : settings.locationsOrNone().isEmpty() ? ""
                : renderer.wrapper(settings.locationsOrNone(), pilotOptions(settings, queue), settings.extraOptionsOrNone());
        String userData = renderer.userData(env, wrapper, pem, settings.cvmfs(), queue.maxLifetime());
        if (!settings.userDataPartsOrNone().isEmpty()) {
            List<String> parts = new ArrayList<>();
            parts.add(userData);
            for (String part : settings.userDataPartsOrNone()) {
                parts.add(read(Path.of(part)));
            }
            userData = MultipartUserData.of(parts);
        }
        return new PilotPayload(env, secrets, userData, renderer.bootstrap(), wrapper);
    }

    /** dirac-pilot.py's options, with DIRAC's names; the stamp's and the queue's extra ones come after. */
    static List<String> pilotOptions(PilotSettings settings, QueueRow queue) {
        List<String> options = new ArrayList<>();
        option(options, "-S", settings.setup());
        option(options, "-C", settings.configurationServer());
        option(options, "-l", settings.project());
        option(options, "-r", settings.version());
        if (!settings.extensionsOrNone().isEmpty()) {
            option(options, "-e", String.join(",", settings.extensionsOrNone()));
        }
        option(options, "-N", queue.ce());
        option(options, "-Q", queue.ceQueue());
        option(options, "-n", queue.site());
        option(options, "--wnVO", queue.vo());
        if (queue.processors() > 1) {
            option(options, "-P", Integer.toString(queue.processors()));
        }
        // SiteDirector._getPilotOptions' further options, in its order: the first of the three environments set.
        if (settings.preinstalledEnv() != null) {
            equalsOption(options, "--preinstalledEnv", settings.preinstalledEnv());
        } else if (settings.preinstalledEnvPrefix() != null) {
            equalsOption(options, "--preinstalledEnvPrefix", settings.preinstalledEnvPrefix());
        } else {
            equalsOption(options, "--CVMFS_locations", settings.cvmfsLocations());
        }
        for (String generic : settings.genericOptionsOrNone()) {
            option(options, "-o", generic);
        }
        if (settings.sharedArea() != null) {
            option(options, "-o", "/LocalSite/SharedArea=" + settings.sharedArea());
        }
        equalsOption(options, "--userEnvVariables", settings.userEnvVariables());
        equalsOption(options, "--modules", settings.modules());
        equalsOption(options, "--pipInstallOptions", settings.pipInstallOptions());
        return options;
    }

    private static void equalsOption(List<String> options, String name, String value) {
        if (value != null && !value.isBlank()) {
            options.add(name + "=" + value);
        }
    }

    private static void option(List<String> options, String name, String value) {
        if (value != null && !value.isBlank()) {
            options.add(name);
            options.add(value);
        }
    }

    private PayloadRenderer renderer(PilotSettings settings) {
        String key = settings.templates() == null ? "" : settings.templates();
        return renderers.computeIfAbsent(key, k -> PayloadRenderer.of(settings.templates()));
    }

    private static String read(Path part) {
        try {
            return Files.readString(part);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the user-data part " + part + ": " + e.getMessage(), e);
        }
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
