package io.pilotd.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProxyTest {
    private static final TestCredentials CREDENTIALS = TestCredentials.create();

    private static ProxyInfo inspect(String pem) throws ProxyException {
        return Proxy.parse(pem, "test.pem").inspect(CREDENTIALS.now());
    }

    @Test
    void anRfc3820ProxyWithVomsAttributesIsValidAndShowsItsVoAndFqans() throws Exception {
        ProxyInfo info = inspect(CREDENTIALS.proxy().validFor(Duration.ofHours(12))
                .voms("lhcb", "/lhcb/Role=pilot/Capability=NULL", "/lhcb/Role=NULL/Capability=NULL").pem());

        assertThat(info.problems()).isEmpty();
        assertThat(info.type()).isEqualTo(ProxyType.RFC3820);
        assertThat(info.identity()).isEqualTo(TestCredentials.USER_GRID_DN);
        assertThat(info.issuer()).isEqualTo(TestCredentials.USER_GRID_DN);
        assertThat(info.subject()).startsWith(TestCredentials.USER_GRID_DN + "/CN=");
        // certificates count whole seconds
        assertThat(info.timeLeft(CREDENTIALS.now())).isBetween(Duration.ofHours(12).minusSeconds(1), Duration.ofHours(12));
        assertThat(info.bits()).isEqualTo(2048);
        assertThat(info.vo()).contains("lhcb");
        assertThat(info.voms().orElseThrow().fqans())
                .containsExactly("/lhcb/Role=pilot/Capability=NULL", "/lhcb/Role=NULL/Capability=NULL");
        assertThat(info.voms().orElseThrow().issuer()).isEqualTo("/DC=org/DC=example/O=pilotd/CN=voms.example.org");
    }

    @Test
    void legacyAndLimitedProxiesAreToldApart() throws Exception {
        assertThat(inspect(CREDENTIALS.proxy().legacy().pem()).type()).isEqualTo(ProxyType.LEGACY);
        assertThat(inspect(CREDENTIALS.proxy().legacy().limited().pem()).type()).isEqualTo(ProxyType.LEGACY_LIMITED);
        assertThat(inspect(CREDENTIALS.proxy().limited().pem()).type()).isEqualTo(ProxyType.RFC3820_LIMITED);
        ProxyInfo legacy = inspect(CREDENTIALS.proxy().legacy().voms("dteam", "/dteam").pem());
        assertThat(legacy.problems()).isEmpty();
        assertThat(legacy.subject()).isEqualTo(TestCredentials.USER_GRID_DN + "/CN=proxy");
        assertThat(legacy.vo()).contains("dteam");
    }

    @Test
    void aProxyWithoutVomsAttributesIsValidButHasNoVo() throws Exception {
        ProxyInfo info = inspect(CREDENTIALS.proxy().pem());
        assertThat(info.problems()).isEmpty();
        assertThat(info.voms()).isEmpty();
    }

    @Test
    void anExpiredProxyIsInvalidAndSaysWhen() throws Exception {
        ProxyInfo info = inspect(CREDENTIALS.proxy().expiredAgo(Duration.ofHours(1)).pem());
        assertThat(info.valid()).isFalse();
        assertThat(info.problems()).singleElement().asString().startsWith("the proxy certificate expired at ");
        assertThat(info.timeLeft(CREDENTIALS.now())).isZero();
    }

    @Test
    void aProxyNotYetValidIsInvalid() throws Exception {
        ProxyInfo info = inspect(CREDENTIALS.proxy().notValidFor(Duration.ofHours(2)).pem());
        assertThat(info.problems()).singleElement().asString().startsWith("the proxy certificate is not valid before ");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsFound() throws Exception {
        assertThat(inspect(CREDENTIALS.proxy().wrongKey().pem()).problems())
                .containsExactly("its private key does not match its certificate");
    }

    @Test
    void aProxyNotSignedByTheNextCertificateIsFound() throws Exception {
        assertThat(inspect(CREDENTIALS.proxy().brokenChain().pem()).problems()).singleElement().asString()
                .isEqualTo("the proxy certificate is not signed by the next certificate of the chain ("
                        + TestCredentials.USER_GRID_DN + ")");
    }

    @Test
    void expiredVomsAttributesMakeTheProxyInvalid() throws Exception {
        ProxyInfo info = inspect(CREDENTIALS.proxy().voms("lhcb", "/lhcb").acExpiredAgo(Duration.ofMinutes(1)).pem());
        assertThat(info.problems()).singleElement().asString().startsWith("its VOMS attributes expired at ");
        assertThat(info.voms().orElseThrow().timeLeft(CREDENTIALS.now())).isZero();
    }

    @Test
    void aCertificateThatIsNoProxyIsRefused() throws Exception {
        ProxyInfo info = inspect(CREDENTIALS.proxy().endEntity().pem());
        assertThat(info.type()).isEqualTo(ProxyType.END_ENTITY);
        assertThat(info.problems()).contains("it is an end-entity certificate, not a proxy");
    }

    @Test
    void aFileThatIsNoProxyIsNamedWithoutItsContent() {
        assertThatThrownBy(() -> Proxy.parse("hello\n", "/etc/x.pem")).isInstanceOf(ProxyException.class)
                .hasMessage("/etc/x.pem: holds no certificate");
        String certificateOnly = CREDENTIALS.proxy().pem().replaceAll("(?s)-----BEGIN (RSA )?PRIVATE KEY-----.*?-----END (RSA )?PRIVATE KEY-----\n", "");
        assertThatThrownBy(() -> Proxy.parse(certificateOnly, "/etc/x.pem")).hasMessage("/etc/x.pem: holds no private key");
    }

    @Test
    void aDelegatedProxyIsAValidRfc3820ProxyOfTheSameIdentityThatDiesSooner() throws Exception {
        Proxy parent = Proxy.parse(CREDENTIALS.proxy().validFor(Duration.ofHours(24)).voms("lhcb", "/lhcb").pem(), "p.pem");
        Instant now = CREDENTIALS.now();

        Proxy child = Delegation.delegate(parent, Duration.ofHours(2), now);

        ProxyInfo info = Proxy.parse(child.pem(), "child.pem").inspect(now);
        assertThat(info.problems()).isEmpty();
        assertThat(info.type()).isEqualTo(ProxyType.RFC3820);
        assertThat(info.identity()).isEqualTo(TestCredentials.USER_GRID_DN);
        assertThat(info.issuer()).isEqualTo(parent.inspect(now).subject());
        // Certificates count whole seconds.
        assertThat(info.timeLeft(now)).isBetween(Duration.ofHours(2).minusSeconds(1), Duration.ofHours(2));
        assertThat(info.vo()).contains("lhcb");
        assertThat(child.pem()).doesNotContain(parent.pem().substring(parent.pem().indexOf("PRIVATE KEY-----")));
    }

    @Test
    void aDelegatedProxyNeverOutlivesItsIssuer() throws Exception {
        Proxy parent = Proxy.parse(CREDENTIALS.proxy().validFor(Duration.ofHours(1)).pem(), "p.pem");
        Instant now = CREDENTIALS.now();
        Proxy child = Delegation.delegate(parent, Duration.ofHours(12), now);
        assertThat(child.inspect(now).notAfter()).isEqualTo(parent.inspect(now).notAfter());
    }

    @Test
    void itsTextNeverShowsInItsName() throws Exception {
        Proxy proxy = Proxy.parse(CREDENTIALS.proxy().pem(), "/etc/pilotd/proxy.pem");
        assertThat(proxy.toString()).doesNotContain("BEGIN").contains("/etc/pilotd/proxy.pem");
    }
}
