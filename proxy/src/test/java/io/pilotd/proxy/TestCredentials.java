package io.pilotd.proxy;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.AttributeCertificateHolder;
import org.bouncycastle.cert.AttributeCertificateIssuer;
import org.bouncycastle.cert.X509AttributeCertificateHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2AttributeCertificateBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Grid credentials made with Bouncy Castle for the tests: a CA, a user certificate, a VOMS
 * server, and proxies of every kind, good and broken. Keys are made once per JVM (RSA key
 * generation is the slow part).
 */
public final class TestCredentials {
    private static final KeyPair CA_KEY = rsa();
    private static final KeyPair USER_KEY = rsa();
    private static final KeyPair VOMS_KEY = rsa();
    private static final KeyPair PROXY_KEY = rsa();
    private static final KeyPair OTHER_KEY = rsa();
    private static final AtomicLong SERIAL = new AtomicLong(1000);

    public static final String CA_DN = "CN=pilotd Test CA,O=pilotd,DC=example,DC=org";
    public static final String USER_DN = "CN=Pilot Robot,OU=Robots,O=pilotd,DC=example,DC=org";
    /** The grid's way of writing the user's DN. */
    public static final String USER_GRID_DN = "/DC=org/DC=example/O=pilotd/OU=Robots/CN=Pilot Robot";

    private final Instant now;
    private final X509Certificate ca;
    private final X509Certificate user;

    private TestCredentials(Instant now) {
        this.now = now;
        ca = certificate(new X500Principal(CA_DN), CA_KEY, new X500Principal(CA_DN), CA_KEY,
                now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(3650)), true);
        user = certificate(new X500Principal(CA_DN), CA_KEY, new X500Principal(USER_DN), USER_KEY,
                now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(365)), false);
    }

    public static TestCredentials create() {
        return new TestCredentials(Instant.now());
    }

    /** The instant every certificate made here is dated from: what a test inspects them at. */
    public Instant now() {
        return now;
    }

    public X509Certificate user() {
        return user;
    }

    /** The CA of the user's certificate, in PEM: a trust anchor of its proxies. */
    public String caPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(ca);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A proxy to make: by default an RFC 3820 proxy valid for 24 h, without VOMS attributes. */
    public ProxyBuilder proxy() {
        return new ProxyBuilder();
    }

    public final class ProxyBuilder {
        private boolean rfc = true;
        private boolean limited;
        private Instant notBefore = now.minus(Duration.ofMinutes(5));
        private Instant notAfter = now.plus(Duration.ofHours(24));
        private String vo;
        private List<String> fqans = List.of();
        private Instant acNotAfter;
        private boolean wrongKey;
        private boolean brokenChain;
        private boolean endEntity;

        public ProxyBuilder legacy() {
            rfc = false;
            return this;
        }

        public ProxyBuilder limited() {
            limited = true;
            return this;
        }

        public ProxyBuilder validFor(Duration lifetime) {
            notAfter = now.plus(lifetime);
            return this;
        }

        public ProxyBuilder expiredAgo(Duration ago) {
            notBefore = now.minus(Duration.ofHours(12));
            notAfter = now.minus(ago);
            return this;
        }

        public ProxyBuilder notValidFor(Duration wait) {
            notBefore = now.plus(wait);
            notAfter = notBefore.plus(Duration.ofHours(12));
            return this;
        }

        public ProxyBuilder voms(String vo, String... fqans) {
            this.vo = vo;
            this.fqans = List.of(fqans);
            return this;
        }

        public ProxyBuilder acExpiredAgo(Duration ago) {
            acNotAfter = now.minus(ago);
            return this;
        }

        /** The key of the file is not the certificate's. */
        public ProxyBuilder wrongKey() {
            wrongKey = true;
            return this;
        }

        /** The proxy is signed by a key other than the user certificate's. */
        public ProxyBuilder brokenChain() {
            brokenChain = true;
            return this;
        }

        /** The user's own certificate and key, not a proxy. */
        public ProxyBuilder endEntity() {
            endEntity = true;
            return this;
        }

        public String pem() {
            if (endEntity) {
                return write(List.of(user), USER_KEY.getPrivate());
            }
            String name = rfc ? Long.toString(SERIAL.incrementAndGet()) : limited ? "limited proxy" : "proxy";
            X500Principal subject = new X500Principal("CN=" + name + "," + USER_DN);
            X509Certificate proxy = proxyCertificate(subject, name);
            return write(List.of(proxy, user), (wrongKey ? OTHER_KEY : PROXY_KEY).getPrivate());
        }

        public Path writeTo(Path file) {
            try {
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, pem());
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private X509Certificate proxyCertificate(X500Principal subject, String name) {
            try {
                X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(user.getSubjectX500Principal(),
                        BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                        PROXY_KEY.getPublic());
                if (rfc) {
                    builder.addExtension(Proxy.PROXY_CERT_INFO, true,
                            new DERSequence(new DERSequence(limited ? Proxy.LIMITED : Proxy.INHERIT_ALL)));
                }
                if (vo != null) {
                    builder.addExtension(VomsAttributes.EXTENSION, false,
                            new DERSequence(new DERSequence(attributeCertificate().toASN1Structure())));
                }
                PrivateKey signer = (brokenChain ? OTHER_KEY : USER_KEY).getPrivate();
                return new JcaX509CertificateConverter().getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private X509AttributeCertificateHolder attributeCertificate() throws Exception {
            X509v2AttributeCertificateBuilder ac = new X509v2AttributeCertificateBuilder(
                    new AttributeCertificateHolder(new X509CertificateHolder(user.getEncoded())),
                    new AttributeCertificateIssuer(X500Name.getInstance(
                            new X500Principal("CN=voms.example.org,O=pilotd,DC=example,DC=org").getEncoded())),
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore),
                    Date.from(acNotAfter != null ? acNotAfter : notAfter));
            ASN1EncodableVector values = new ASN1EncodableVector();
            for (String fqan : fqans) {
                values.add(new DEROctetString(fqan.getBytes(StandardCharsets.UTF_8)));
            }
            GeneralNames authority = new GeneralNames(
                    new GeneralName(GeneralName.uniformResourceIdentifier, vo + "://voms.example.org:15000"));
            ASN1EncodableVector syntax = new ASN1EncodableVector();
            syntax.add(new DERTaggedObject(false, 0, authority));
            syntax.add(new DERSequence(values));
            ac.addAttribute(VomsAttributes.FQAN_ATTRIBUTE, new DERSequence(syntax));
            return ac.build(new JcaContentSignerBuilder("SHA256withRSA").build(VOMS_KEY.getPrivate()));
        }
    }

    private static X509Certificate certificate(X500Principal issuer, KeyPair issuerKey, X500Principal subject,
                                               KeyPair subjectKey, Instant from, Instant to, boolean ca) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject,
                    subjectKey.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(List<X509Certificate> chain, PrivateKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(chain.get(0));
            writer.writeObject(key);
            for (X509Certificate certificate : new ArrayList<>(chain).subList(1, chain.size())) {
                writer.writeObject(certificate);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
