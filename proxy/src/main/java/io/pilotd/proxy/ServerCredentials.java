package io.pilotd.proxy;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A TLS server's certificate chain and private key, read from the PEM files a certificate
 * authority or certbot hands out (PKCS#1, PKCS#8 or SEC1 keys), as the in-memory key store a
 * TLS server takes: an operator never converts them to PKCS#12 by hand.
 */
public final class ServerCredentials {
    private ServerCredentials() {
    }

    /**
     * @param certificate the server's certificate, then the chain up to its CA (a "fullchain" file)
     * @param key         its private key, unencrypted (the file itself is the secret: mode 0600)
     * @param password    the password the key store is locked with, in memory only
     * @throws ProxyException naming the file and what is wrong with it
     */
    public static KeyStore keyStore(Path certificate, Path key, char[] password) throws ProxyException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object object : objects(certificate)) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    chain.add(converter.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new ProxyException(certificate + ": a certificate cannot be read: " + e.getMessage(), e);
                }
            }
        }
        if (chain.isEmpty()) {
            throw new ProxyException(certificate + ": holds no PEM certificate");
        }
        PrivateKey privateKey = null;
        JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
        try {
            for (Object object : objects(key)) {
                if (object instanceof PEMKeyPair pair) {
                    privateKey = keys.getPrivateKey(pair.getPrivateKeyInfo());
                } else if (object instanceof PrivateKeyInfo info) {
                    privateKey = keys.getPrivateKey(info);
                }
            }
        } catch (IOException e) {
            throw new ProxyException(key + ": the key cannot be read: " + e.getMessage(), e);
        }
        if (privateKey == null) {
            throw new ProxyException(key + ": holds no unencrypted PEM private key");
        }
        if (!Proxy.keyMatches(chain.get(0).getPublicKey(), privateKey)) {
            throw new ProxyException(key + ": this key does not match the certificate of " + certificate);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, password, chain.toArray(X509Certificate[]::new));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ProxyException(certificate + ": cannot be used as a TLS server's certificate: " + e.getMessage(), e);
        }
    }

    private static List<Object> objects(Path file) throws ProxyException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle's messages name the PEM block at most, never its content.
            throw new ProxyException(file + ": not a PEM file: " + e.getMessage(), e);
        }
        return objects;
    }
}
