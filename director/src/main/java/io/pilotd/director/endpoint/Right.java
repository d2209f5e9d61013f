package io.pilotd.director.endpoint;

/**
 * What a request does, and the scope of the WLCG token profile (v1.0, "Compute" scopes) that a
 * bearer token needs for it. An API key has every right on its queues.
 */
enum Right {
    /** POST /submitjob. */
    SUBMIT("compute.create"),
    /** GET /jobs, /jobs/name and its output. */
    READ("compute.read"),
    /** DELETE /jobs/name. */
    CANCEL("compute.cancel");

    final String scope;

    Right(String scope) {
        this.scope = scope;
    }
}
