package io.pilotd.proxy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What {@code pilotd proxy info} shows of a proxy, and whether it can be given to pilots.
 *
 * @param subject  the proxy certificate's DN
 * @param identity the end-entity DN the proxy stands for (the user's or the robot's)
 * @param notAfter when the first certificate of the chain to expire does
 * @param bits     the proxy key's strength
 * @param voms     its VOMS attributes, when it carries them
 * @param problems why it cannot be used, empty when it can
 */
public record ProxyInfo(String subject, String issuer, String identity, ProxyType type, Instant notAfter, int bits,
                        Optional<VomsAttributes> voms, List<String> problems) {
    public ProxyInfo {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    public Duration timeLeft(Instant now) {
        return now.isAfter(notAfter) ? Duration.ZERO : Duration.between(now, notAfter);
    }

    public Optional<String> vo() {
        return voms.map(VomsAttributes::vo);
    }
}
