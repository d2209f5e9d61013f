package io.pilotd.director.endpoint;

import io.pilotd.director.config.EndpointSettings;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.TrustAnchors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's files read again without a restart: the TLS certificate and key (renewed every
 * 90 days by an ACME client, yearly by a CA) and the trust anchors of requests' proxies (the
 * CAs' packages update them). They are read on SIGHUP ({@link #reload}), and when they change:
 * every {@code check}, their modification times and sizes are compared with the last read
 * (following symbolic links, as certbot's live/ directory has them).
 *
 * <p>Connections open keep their TLS session; new ones get the new certificate. Files that
 * cannot be read, or a key that does not match its certificate (a renewal half-written), change
 * nothing: the ones in use stay, a warning says why, and the next change is tried again.
 */
final class EndpointCredentials implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EndpointCredentials.class);

    private final EndpointSettings settings;
    private final EndpointServer server;
    private final ProxyCheck proxies;
    private final ScheduledExecutorService watcher;
    private List<Object> keysSeen;
    private List<Object> anchorsSeen;

    private EndpointCredentials(EndpointSettings settings, EndpointServer server, ProxyCheck proxies, Duration check) {
        this.settings = settings;
        this.server = server;
        this.proxies = proxies;
        this.keysSeen = keysFingerprint();
        this.anchorsSeen = anchorsFingerprint();
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "endpoint-credentials");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::reloadChanged, check.toMillis(), check.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Watches the files of a started endpoint, every {@code check}. */
    static EndpointCredentials watch(EndpointSettings settings, EndpointServer server, ProxyCheck proxies, Duration check) {
        return new EndpointCredentials(settings, server, proxies, check);
    }

    /** SIGHUP: every file read again, changed or not. */
    synchronized void reload() {
        reloadKeys();
        reloadAnchors();
    }

    private synchronized void reloadChanged() {
        try {
            if (!keysFingerprint().equals(keysSeen)) {
                reloadKeys();
            }
            if (!anchorsFingerprint().equals(anchorsSeen)) {
                reloadAnchors();
            }
        } catch (RuntimeException e) {
            log.warn("endpoint: its certificate, key and trust anchors could not be checked for changes: {}", e.getMessage());
        }
    }

    private void reloadKeys() {
        if (!settings.tls()) {
            return;
        }
        // seen whether or not they are taken: a bad renewal is warned of once, and tried again when it changes
        keysSeen = keysFingerprint();
        try {
            server.reloadKeys(settings);
            log.info("endpoint: certificate {} and key {} read again: new connections get them", settings.certificate(),
                    settings.key());
        } catch (ProxyException e) {
            log.warn("endpoint: the certificate and key were not read again, the ones in use stay: {}", e.getMessage());
        }
    }

    private void reloadAnchors() {
        if (settings.trustAnchors() == null) {
            return;
        }
        anchorsSeen = anchorsFingerprint();
        try {
            TrustAnchors anchors = TrustAnchors.read(Path.of(settings.trustAnchors()));
            proxies.trust(anchors);
            log.info("endpoint: trust anchors {} read again: {} CAs", settings.trustAnchors(), anchors.size());
        } catch (ProxyException e) {
            log.warn("endpoint: the trust anchors were not read again, the ones in use stay: {}", e.getMessage());
        }
    }

    private List<Object> keysFingerprint() {
        return settings.tls() ? List.of(stat(Path.of(settings.certificate())), stat(Path.of(settings.key()))) : List.of();
    }

    /** Each file of the directory, by name, with its time and size: an added, removed or changed CA shows. */
    private List<Object> anchorsFingerprint() {
        if (settings.trustAnchors() == null) {
            return List.of();
        }
        List<Object> files = new ArrayList<>();
        try (Stream<Path> listed = Files.list(Path.of(settings.trustAnchors()))) {
            listed.sorted().forEach(file -> files.add(file.getFileName() + " " + stat(file)));
        } catch (IOException e) {
            files.add(e.toString());
        }
        return files;
    }

    private static String stat(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.lastModifiedTime().toMillis() + "/" + attributes.size() + "/" + Objects.toString(attributes.fileKey());
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
