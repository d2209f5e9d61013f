package io.pilotd.director.payload;

import io.pilotd.director.config.ProxySettings;
import io.pilotd.driver.api.SecretFiles;
import io.pilotd.proxy.Delegation;
import io.pilotd.proxy.Proxy;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.ProxyInfo;
import io.pilotd.proxy.ProxyPolicy;
import io.pilotd.proxy.TrustAnchors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and checks the proxy a queue's pilots carry, before every submission: fit by the
 * {@link ProxyPolicy} the endpoint's requests meet too (usable, ending at a CA of
 * {@code trustAnchors} where set, with at least {@code minLifetime} left), of the queue's VO, and
 * in a file nobody else can read. A file is parsed again only when it changes (a renewal).
 */
public final class PilotProxies {
    /**
     * What a queue's pilots can carry now.
     *
     * @param proxy   the proxy, when one is configured and fit
     * @param problem why no pilot may be submitted, or null
     */
    public record Verdict(Proxy proxy, String problem) {
        public static final Verdict NONE = new Verdict(null, null);

        public boolean fit() {
            return problem == null;
        }
    }

    private record Read(Instant modified, long size, Proxy proxy) {
    }

    private record Anchors(Instant modified, TrustAnchors anchors) {
    }

    private final Clock clock;
    private final Map<Path, Read> read = new ConcurrentHashMap<>();
    private final Map<Path, Anchors> anchors = new ConcurrentHashMap<>();

    public PilotProxies(Clock clock) {
        this.clock = clock;
    }

    /** @param vo the queue's VO, or null when it takes jobs of any */
    public Verdict check(ProxySettings settings, String vo) {
        if (settings.file() == null) {
            return Verdict.NONE;
        }
        Path file = Path.of(settings.file());
        Proxy proxy;
        try {
            proxy = read(file);
        } catch (ProxyException e) {
            return new Verdict(null, e.getMessage());
        }
        TrustAnchors anchors;
        try {
            anchors = settings.trustAnchors() == null ? null : anchors(Path.of(settings.trustAnchors()));
        } catch (ProxyException e) {
            return new Verdict(null, "the proxy's trust anchors (proxy.trustAnchors): " + e.getMessage());
        }
        Instant now = clock.instant();
        Optional<String> problem = new ProxyPolicy(settings.minLifetimeOrDefault(), "its pilots need (minLifetime)", anchors)
                .problem(proxy, "the proxy " + file, now);
        if (problem.isPresent()) {
            return new Verdict(null, problem.get());
        }
        ProxyInfo info = proxy.inspect(now);
        if (vo != null) {
            Optional<String> proxyVo = info.vo();
            if (proxyVo.isEmpty()) {
                return new Verdict(null, "the proxy " + file + " carries no VOMS attributes; the queue takes jobs of VO " + vo);
            }
            if (!proxyVo.get().equals(vo)) {
                return new Verdict(null, "the proxy " + file + " is of VO " + proxyVo.get() + ", not of the queue's VO " + vo);
            }
        }
        return new Verdict(proxy, null);
    }

    /**
     * How long the queue's proxy is valid for (zero when it cannot be read or used), or empty
     * when its pilots carry none.
     */
    public Optional<Duration> timeLeft(ProxySettings settings) {
        if (settings.file() == null) {
            return Optional.empty();
        }
        try {
            Instant now = clock.instant();
            ProxyInfo info = read(Path.of(settings.file())).inspect(now);
            Duration left = info.timeLeft(now);
            return Optional.of(info.valid() && !left.isNegative() ? left : Duration.ZERO);
        } catch (ProxyException e) {
            return Optional.of(Duration.ZERO);
        }
    }

    /** What a submission carries: the file's proxy, or a fresh one delegated from it. */
    public String pem(Verdict verdict, ProxySettings settings) throws ProxyException {
        if (verdict.proxy() == null) {
            return null;
        }
        if (settings.delegate() == null) {
            return verdict.proxy().pem();
        }
        return Delegation.delegate(verdict.proxy(), settings.delegate(), clock.instant()).pem();
    }

    /** A directory's CAs, read again when the directory changes (a CA added, removed or renewed by fetch-crl or a package). */
    private TrustAnchors anchors(Path directory) throws ProxyException {
        Instant modified;
        try {
            modified = Files.getLastModifiedTime(directory).toInstant();
        } catch (IOException e) {
            throw new ProxyException(directory + ": cannot be read: " + e.getMessage(), e);
        }
        Anchors last = anchors.get(directory);
        if (last != null && last.modified().equals(modified)) {
            return last.anchors();
        }
        TrustAnchors read = TrustAnchors.read(directory);
        anchors.put(directory, new Anchors(modified, read));
        return read;
    }

    private Proxy read(Path file) throws ProxyException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (SecretFiles.openToOthers(file)) {
                throw new ProxyException(file + " is readable by others: chmod 600 it");
            }
        } catch (IOException e) {
            throw new ProxyException(file + ": cannot be read: " + e.getMessage());
        }
        Instant modified = attributes.lastModifiedTime().toInstant();
        Read last = read.get(file);
        if (last != null && last.modified().equals(modified) && last.size() == attributes.size()) {
            return last.proxy();
        }
        Proxy proxy = Proxy.read(file);
        read.put(file, new Read(modified, attributes.size(), proxy));
        return proxy;
    }
}
