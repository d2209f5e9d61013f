package io.pilotd.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proxy's chain must end at a CA of the trust anchors' directory. */
class TrustAnchorsTest {
    private static final TestCredentials CREDENTIALS = TestCredentials.create();

    @TempDir
    Path dir;

    @Test
    void aProxyOfATrustedCaPasses_andOneOfAnotherIsNamed() throws Exception {
        Path trusted = Files.createDirectories(dir.resolve("trusted"));
        Files.writeString(trusted.resolve("1a2b3c4d.0"), CREDENTIALS.caPem());
        Files.writeString(trusted.resolve("1a2b3c4d.signing_policy"), "access_id_CA X509 '/DC=org/DC=example'\n");
        // Another CA's certificates: its ca.pem, and a server's endpoint.crt it signed.
        Path other = Files.createDirectories(dir.resolve("other"));
        TestTls.write(other);
        Proxy proxy = Proxy.parse(CREDENTIALS.proxy().pem(), "test proxy");

        TrustAnchors anchors = TrustAnchors.read(trusted);
        assertThat(anchors.size()).isEqualTo(1);
        assertThat(anchors.problem(proxy, CREDENTIALS.now())).isEmpty();
        assertThat(TrustAnchors.read(other).problem(proxy, CREDENTIALS.now())).hasValueSatisfying(problem -> assertThat(problem)
                .contains("its CA " + Dn.of(CREDENTIALS.user().getIssuerX500Principal()) + " is not one of the"));
    }

    @Test
    void aDirectoryWithoutCertificatesIsRefused() throws Exception {
        Files.writeString(dir.resolve("README"), "no certificates here\n");
        assertThatThrownBy(() -> TrustAnchors.read(dir)).isInstanceOf(ProxyException.class)
                .hasMessageContaining("holds no CA certificate");
        assertThatThrownBy(() -> TrustAnchors.read(dir.resolve("nonexistent"))).isInstanceOf(ProxyException.class)
                .hasMessageContaining("cannot be read");
    }
}
