package io.pilotd.proxy;

/** The kinds of X.509 proxy, by the marks RFC 3820 and the Globus Toolkit put on them. */
public enum ProxyType {
    RFC3820("RFC 3820 compliant impersonation proxy"),
    RFC3820_LIMITED("RFC 3820 compliant limited proxy"),
    LEGACY("legacy Globus impersonation proxy"),
    LEGACY_LIMITED("legacy Globus limited proxy"),
    /** The draft RFC 3820 that the Globus Toolkit 3 issued. */
    DRAFT("draft (GT3) impersonation proxy"),
    /** An end-entity certificate, not a proxy. */
    END_ENTITY("end-entity certificate, not a proxy");

    private final String description;

    ProxyType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public boolean isProxy() {
        return this != END_ENTITY;
    }

    public boolean isLimited() {
        return this == RFC3820_LIMITED || this == LEGACY_LIMITED;
    }
}
