package io.pilotd.proxy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.interfaces.ECKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * An X.509 proxy as grid tools write it (PEM: the proxy certificate, its key, then the chain up
 * to the end-entity certificate), read with Bouncy Castle. {@link #toString()} never shows the
 * key; {@link #pem()} is the one way to the text, for a pilot's payload.
 */
public final class Proxy {
    /** RFC 3820's ProxyCertInfo extension. */
    static final ASN1ObjectIdentifier PROXY_CERT_INFO = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.14");
    /** The same extension in the draft the Globus Toolkit 3 followed. */
    static final ASN1ObjectIdentifier DRAFT_PROXY_CERT_INFO = new ASN1ObjectIdentifier("1.3.6.1.4.1.3536.1.222");
    /** RFC 3820 policy languages: inherit all rights, or the limited proxy's. */
    static final ASN1ObjectIdentifier INHERIT_ALL = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.21.1");
    static final ASN1ObjectIdentifier LIMITED = new ASN1ObjectIdentifier("1.3.6.1.4.1.3536.1.1.1.9");

    private final String source;
    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final String pem;

    private Proxy(String source, List<X509Certificate> chain, PrivateKey key, String pem) {
        this.source = source;
        this.chain = List.copyOf(chain);
        this.key = key;
        this.pem = pem;
    }

    public static Proxy read(Path file) throws ProxyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new ProxyException(file + ": no such file");
        } catch (IOException e) {
            throw new ProxyException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /** @param source what to call it in messages (its file) */
    public static Proxy parse(String pem, String source) throws ProxyException {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(certificates.getCertificate(holder));
                } else if (object instanceof PEMKeyPair pair) {
                    key = keys.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (object instanceof PrivateKeyInfo info) {
                    key = keys.getPrivateKey(info);
                } else if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new ProxyException(source + ": its key is encrypted; a proxy's key never is");
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Bouncy Castle's messages name the PEM block at most, never its content.
            throw new ProxyException(source + ": not a PEM proxy: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new ProxyException(source + ": holds no certificate");
        }
        if (key == null) {
            throw new ProxyException(source + ": holds no private key");
        }
        return new Proxy(source, chain, key, pem);
    }

    /** @param chain the proxy certificate first, then its issuers */
    static Proxy of(List<X509Certificate> chain, PrivateKey key, String pem, String source) {
        return new Proxy(source, chain, key, pem);
    }

    public String source() {
        return source;
    }

    /** The file's text: what a pilot receives. Never log it. */
    public String pem() {
        return pem;
    }

    List<X509Certificate> chain() {
        return chain;
    }

    PrivateKey key() {
        return key;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** Everything that makes it unfit now, with what it shows. */
    public ProxyInfo inspect(Instant now) {
        List<String> problems = new ArrayList<>();
        X509Certificate proxy = certificate();
        ProxyType type = type(proxy);
        if (!type.isProxy()) {
            problems.add("it is an end-entity certificate, not a proxy");
        }
        if (!keyMatches(proxy.getPublicKey(), key)) {
            problems.add("its private key does not match its certificate");
        }
        Instant notAfter = proxy.getNotAfter().toInstant();
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate certificate = chain.get(i);
            String which = i == 0 ? "the proxy certificate" : "certificate " + (i + 1) + " of the chain ("
                    + Dn.of(certificate.getSubjectX500Principal()) + ")";
            if (certificate.getNotAfter().toInstant().isBefore(notAfter)) {
                notAfter = certificate.getNotAfter().toInstant();
            }
            if (now.isAfter(certificate.getNotAfter().toInstant())) {
                problems.add(which + " expired at " + certificate.getNotAfter().toInstant());
            } else if (now.isBefore(certificate.getNotBefore().toInstant())) {
                problems.add(which + " is not valid before " + certificate.getNotBefore().toInstant());
            }
            if (i + 1 < chain.size()) {
                signedBy(certificate, chain.get(i + 1), which).ifPresent(problems::add);
            }
        }
        String identity = null;
        for (X509Certificate certificate : chain) {
            if (!type(certificate).isProxy()) {
                identity = Dn.of(certificate.getSubjectX500Principal());
                break;
            }
        }
        if (identity == null) {
            problems.add("the chain ends before the end-entity certificate the proxy stands for");
            identity = Dn.of(chain.get(chain.size() - 1).getIssuerX500Principal());
        }
        Optional<VomsAttributes> voms = Optional.empty();
        for (X509Certificate certificate : chain) {
            try {
                voms = VomsAttributes.of(certificate);
            } catch (ProxyException e) {
                problems.add(e.getMessage());
            }
            if (voms.isPresent()) {
                break;
            }
        }
        voms.filter(v -> !v.validAt(now)).ifPresent(v -> problems.add(now.isAfter(v.notAfter())
                ? "its VOMS attributes expired at " + v.notAfter()
                : "its VOMS attributes are not valid before " + v.notBefore()));
        return new ProxyInfo(Dn.of(proxy.getSubjectX500Principal()), Dn.of(proxy.getIssuerX500Principal()), identity,
                type, notAfter, bits(key), voms, problems);
    }

    /** Each certificate must be issued by the next: its name one RDN longer for a proxy, and its signature by the next's key. */
    private static Optional<String> signedBy(X509Certificate certificate, X509Certificate issuer, String which) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return Optional.of(which + " is issued by " + Dn.of(certificate.getIssuerX500Principal())
                    + ", not by the next certificate of the chain (" + Dn.of(issuer.getSubjectX500Principal()) + ")");
        }
        if (type(certificate).isProxy() && !Dn.extendsByOne(certificate.getSubjectX500Principal(), issuer.getSubjectX500Principal())) {
            return Optional.of(which + " is not named after its issuer with one CN added, as a proxy must be");
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            return Optional.of(which + " is not signed by the next certificate of the chain ("
                    + Dn.of(issuer.getSubjectX500Principal()) + ")");
        }
    }

    static ProxyType type(X509Certificate certificate) {
        byte[] info = certificate.getExtensionValue(PROXY_CERT_INFO.getId());
        if (info != null) {
            return ProxyCertInfo.limited(info) ? ProxyType.RFC3820_LIMITED : ProxyType.RFC3820;
        }
        if (certificate.getExtensionValue(DRAFT_PROXY_CERT_INFO.getId()) != null) {
            return ProxyType.DRAFT;
        }
        String cn = Dn.lastCommonName(certificate.getSubjectX500Principal());
        boolean selfNamed = Dn.extendsByOne(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        if (selfNamed && "proxy".equals(cn)) {
            return ProxyType.LEGACY;
        }
        if (selfNamed && "limited proxy".equals(cn)) {
            return ProxyType.LEGACY_LIMITED;
        }
        return ProxyType.END_ENTITY;
    }

    /** Signs a nonce with the key and checks it with the certificate's: works for any key type. */
    static boolean keyMatches(PublicKey certificateKey, PrivateKey key) {
        if (!certificateKey.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        try {
            byte[] nonce = new byte[32];
            new SecureRandom().nextBytes(nonce);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(nonce);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificateKey);
            verify.update(nonce);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static int bits(PrivateKey key) {
        if (key instanceof RSAKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECKey ec) {
            return ec.getParams().getOrder().bitLength();
        }
        return 0;
    }

    @Override
    public String toString() {
        return "Proxy[" + source + ", " + Dn.of(certificate().getSubjectX500Principal()) + "]";
    }
}
