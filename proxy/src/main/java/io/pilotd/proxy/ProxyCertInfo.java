package io.pilotd.proxy;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;

/**
 * RFC 3820's ProxyCertInfo: {@code SEQUENCE { pCPathLenConstraint INTEGER OPTIONAL,
 * proxyPolicy SEQUENCE { policyLanguage OID, policy OCTET STRING OPTIONAL } }}.
 */
final class ProxyCertInfo {
    private ProxyCertInfo() {
    }

    /** Whether the extension's policy language is the limited proxy's. */
    static boolean limited(byte[] extensionValue) {
        ASN1Sequence info = ASN1Sequence.getInstance(ASN1OctetString.getInstance(extensionValue).getOctets());
        for (ASN1Encodable element : info) {
            if (element instanceof ASN1Sequence policy && policy.size() > 0) {
                return Proxy.LIMITED.equals(ASN1ObjectIdentifier.getInstance(policy.getObjectAt(0)));
            }
        }
        return false;
    }

    /** An impersonation proxy's: inherit all of the issuer's rights, no path length limit. */
    static ASN1Encodable inheritAll() {
        return new DERSequence(new DERSequence(Proxy.INHERIT_ALL));
    }
}
