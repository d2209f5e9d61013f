package io.pilotd.proxy;

import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Distinguished names the way the grid writes them: {@code /DC=org/DC=example/CN=Alice}, outermost first. */
final class Dn {
    private Dn() {
    }

    static String of(X500Principal principal) {
        return of(X500Name.getInstance(principal.getEncoded()));
    }

    static String of(X500Name name) {
        StringBuilder out = new StringBuilder();
        for (RDN rdn : name.getRDNs()) {
            var first = rdn.getFirst();
            String key = BCStyle.INSTANCE.oidToDisplayName(first.getType());
            out.append('/').append(key == null ? first.getType().getId() : key)
                    .append('=').append(IETFUtils.valueToString(first.getValue()));
        }
        return out.toString();
    }

    /** The value of the last RDN (the one a proxy adds), or null for an empty name. */
    static String lastCommonName(X500Principal principal) {
        RDN[] rdns = X500Name.getInstance(principal.getEncoded()).getRDNs();
        if (rdns.length == 0 || !BCStyle.CN.equals(rdns[rdns.length - 1].getFirst().getType())) {
            return null;
        }
        return IETFUtils.valueToString(rdns[rdns.length - 1].getFirst().getValue());
    }

    /** Whether {@code proxy} is {@code issuer} with one RDN added, as every proxy's name must be. */
    static boolean extendsByOne(X500Principal proxy, X500Principal issuer) {
        RDN[] p = X500Name.getInstance(proxy.getEncoded()).getRDNs();
        RDN[] i = X500Name.getInstance(issuer.getEncoded()).getRDNs();
        if (p.length != i.length + 1) {
            return false;
        }
        for (int k = 0; k < i.length; k++) {
            if (!p[k].equals(i[k])) {
                return false;
            }
        }
        return true;
    }
}
