package io.pilotd.proxy;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.AttributeCertificate;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.IetfAttrSyntax;
import org.bouncycastle.cert.X509AttributeCertificateHolder;

/**
 * The VOMS attribute certificate a proxy carries: its VO, its FQANs and its own validity. Read,
 * not verified: the DIRAC servers the pilot talks to check the VOMS server's signature against
 * their vomsdir; the director only needs to know what the pilot will present.
 *
 * @param vo     the VO, from the AC's policy authority ({@code lhcb://voms.cern.ch:15003})
 * @param fqans  the FQANs, primary first ({@code /lhcb/Role=NULL/Capability=NULL})
 * @param issuer the VOMS server's DN
 */
public record VomsAttributes(String vo, List<String> fqans, String issuer, Instant notBefore, Instant notAfter) {
    /** The proxy certificate extension that holds the ACs. */
    public static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier("1.3.6.1.4.1.8005.100.100.5");
    /** The AC attribute that holds the FQANs. */
    public static final ASN1ObjectIdentifier FQAN_ATTRIBUTE = new ASN1ObjectIdentifier("1.3.6.1.4.1.8005.100.100.4");

    public VomsAttributes {
        fqans = List.copyOf(fqans);
    }

    public Duration timeLeft(Instant now) {
        return now.isAfter(notAfter) ? Duration.ZERO : Duration.between(now, notAfter);
    }

    public boolean validAt(Instant now) {
        return !now.isBefore(notBefore) && !now.isAfter(notAfter);
    }

    /** The first AC of the certificate's VOMS extension, if it has one. */
    static Optional<VomsAttributes> of(X509Certificate certificate) throws ProxyException {
        byte[] extension = certificate.getExtensionValue(EXTENSION.getId());
        if (extension == null) {
            return Optional.empty();
        }
        try {
            // SEQUENCE OF (SEQUENCE OF AttributeCertificate), inside the extension's OCTET STRING.
            ASN1Sequence outer = ASN1Sequence.getInstance(ASN1OctetString.getInstance(extension).getOctets());
            for (ASN1Encodable acs : outer) {
                for (ASN1Encodable ac : ASN1Sequence.getInstance(acs)) {
                    return Optional.of(read(new X509AttributeCertificateHolder(AttributeCertificate.getInstance(ac))));
                }
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new ProxyException("its VOMS attribute certificate cannot be read: " + e.getMessage(), e);
        }
    }

    private static VomsAttributes read(X509AttributeCertificateHolder ac) {
        String vo = null;
        List<String> fqans = new ArrayList<>();
        for (var attribute : ac.getAttributes(FQAN_ATTRIBUTE)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                IetfAttrSyntax syntax = IetfAttrSyntax.getInstance(value);
                if (syntax.getPolicyAuthority() != null) {
                    for (GeneralName name : syntax.getPolicyAuthority().getNames()) {
                        String authority = name.getName().toString();
                        int scheme = authority.indexOf("://");
                        if (vo == null && scheme > 0) {
                            vo = authority.substring(0, scheme);
                        }
                    }
                }
                for (Object fqan : syntax.getValues()) {
                    fqans.add(fqan instanceof ASN1OctetString octets
                            ? new String(octets.getOctets(), StandardCharsets.UTF_8) : fqan.toString());
                }
            }
        }
        if (vo == null && !fqans.isEmpty()) {
            // An AC without a policy authority: the VO is the FQAN's first group.
            String first = fqans.get(0);
            int end = first.indexOf('/', 1);
            vo = end < 0 ? first.substring(1) : first.substring(1, end);
        }
        String issuer = ac.getIssuer().getNames().length == 0 ? "" : Dn.of(ac.getIssuer().getNames()[0]);
        return new VomsAttributes(vo, fqans, issuer, ac.getNotBefore().toInstant(), ac.getNotAfter().toInstant());
    }
}
