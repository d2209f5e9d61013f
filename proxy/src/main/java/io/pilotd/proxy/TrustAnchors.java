package io.pilotd.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The certificate authorities a proxy's chain must end at: a directory such as
 * {@code /etc/grid-security/certificates}, whose {@code *.pem}, {@code *.crt} and {@code *.0}
 * (hashed names) files hold PEM CA certificates; other files (CRLs, signing policies) are skipped.
 */
public final class TrustAnchors {
    private final Path directory;
    private final List<X509Certificate> authorities;

    private TrustAnchors(Path directory, List<X509Certificate> authorities) {
        this.directory = directory;
        this.authorities = List.copyOf(authorities);
    }

    /** @throws ProxyException when the directory cannot be read or holds no CA certificate */
    public static TrustAnchors read(Path directory) throws ProxyException {
        List<X509Certificate> authorities = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM reads no X.509 certificate", e);
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(TrustAnchors::holdsCertificates).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (Certificate certificate : factory.generateCertificates(in)) {
                        authorities.add((X509Certificate) certificate);
                    }
                } catch (IOException | GeneralSecurityException e) {
                    throw new ProxyException(file + ": not a PEM CA certificate: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new ProxyException(directory + ": cannot be read: " + e.getMessage(), e);
        }
        if (authorities.isEmpty()) {
            throw new ProxyException(directory + ": holds no CA certificate (*.pem, *.crt or *.0)");
        }
        return new TrustAnchors(directory, authorities);
    }

    private static boolean holdsCertificates(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".pem") || name.endsWith(".crt") || name.matches("[0-9a-f]{8}\\.[0-9]+"));
    }

    public int size() {
        return authorities.size();
    }

    /** Why the proxy's chain does not end at one of these authorities, valid now; empty when it does. */
    public Optional<String> problem(Proxy proxy, Instant now) {
        List<X509Certificate> chain = proxy.chain();
        X509Certificate last = chain.get(chain.size() - 1);
        String issuer = Dn.of(last.getIssuerX500Principal());
        boolean named = false;
        for (X509Certificate authority : authorities) {
            if (!authority.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                continue;
            }
            named = true;
            try {
                last.verify(authority.getPublicKey());
            } catch (GeneralSecurityException e) {
                continue;
            }
            if (now.isAfter(authority.getNotAfter().toInstant())) {
                return Optional.of("its CA " + issuer + " expired at " + authority.getNotAfter().toInstant());
            }
            return Optional.empty();
        }
        return Optional.of(named
                ? "its chain is not signed by the CA " + issuer + " of " + directory
                : "its CA " + issuer + " is not one of the " + authorities.size() + " trusted in " + directory);
    }
}
