package io.pilotd.proxy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes a fresh RFC 3820 proxy signed by another, the way {@code voms-proxy-init --proxy}
 * delegates: a new key, a certificate named after the issuer's with a serial-number CN, and a
 * lifetime no longer than the issuer's. A pilot that carries one exposes less when its
 * user-data or environment leaks: a key that dies sooner, and never the director's own.
 */
public final class Delegation {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Delegation() {
    }

    /** @param lifetime how long the new proxy lives (less if its issuer expires first) */
    public static Proxy delegate(Proxy issuer, Duration lifetime, Instant now) throws ProxyException {
        X509Certificate parent = issuer.certificate();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(Math.max(2048, parent.getPublicKey() instanceof RSAKey rsa
                    ? rsa.getModulus().bitLength() : 2048), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            BigInteger serial = new BigInteger(63, RANDOM);
            X500Name subject = withCommonName(parent.getSubjectX500Principal(), serial.toString());
            Instant notAfter = now.plus(lifetime);
            if (notAfter.isAfter(parent.getNotAfter().toInstant())) {
                notAfter = parent.getNotAfter().toInstant();
            }
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(parent.getSubjectX500Principal(), serial,
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(notAfter),
                    new X500Principal(subject.getEncoded()), pair.getPublic())
                    .addExtension(Proxy.PROXY_CERT_INFO, true, ProxyCertInfo.inheritAll())
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.dataEncipherment));
            String algorithm = "EC".equals(issuer.key().getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate certificate = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(issuer.key())));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(certificate);
            chain.addAll(issuer.chain());
            return Proxy.of(chain, pair.getPrivate(), pem(chain, pair), "a proxy delegated from " + issuer.source());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new ProxyException("cannot delegate a proxy from " + issuer.source() + ": " + e.getMessage(), e);
        }
    }

    private static X500Name withCommonName(X500Principal issuer, String cn) {
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
        for (var rdn : X500Name.getInstance(issuer.getEncoded()).getRDNs()) {
            name.addMultiValuedRDN(rdn.getTypesAndValues());
        }
        return name.addRDN(BCStyle.CN, cn).build();
    }

    /** Grid order: the certificate, its key, then the chain. */
    private static String pem(List<X509Certificate> chain, KeyPair pair) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(chain.get(0));
            writer.writeObject(pair.getPrivate());
            for (X509Certificate certificate : chain.subList(1, chain.size())) {
                writer.writeObject(certificate);
            }
        }
        return out.toString();
    }
}
