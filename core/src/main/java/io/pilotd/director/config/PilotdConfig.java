package io.pilotd.director.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, as read from one YAML file (or the built-in default) and checked by
 * {@link ConfigValidator}. Immutable once read.
 */
public record PilotdConfig(
        DirectorSettings director,
        DatabaseSettings database,
        ProxySettings proxy,
        PilotSettings pilot,
        Map<String, SiteConfig> sites,
        List<QueueConfig> queues,
        DemandSettings demand,
        DiracSettings dirac,
        EndpointSettings endpoint) {

    public PilotdConfig {
        director = director == null ? DirectorSettings.defaults() : director;
        database = database == null ? DatabaseSettings.none() : database;
        proxy = proxy == null ? ProxySettings.none() : proxy;
        pilot = pilot == null ? PilotSettings.none() : pilot;
        sites = sites == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sites));
        // An empty entry (a bare "-") stays, for the validator to name; List.copyOf would refuse it.
        queues = queues == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(queues));
        demand = demand == null ? DemandSettings.defaults() : demand;
        dirac = dirac == null ? DiracSettings.none() : dirac;
        endpoint = endpoint == null ? EndpointSettings.off() : endpoint;
        if (database.poolSize() == null) {
            database = database.withPoolSize(ConfigValidator.defaultPoolSize(director, endpoint));
        }
    }

    /** A configuration whose demand is pilotd's own task queue. */
    public PilotdConfig(DirectorSettings director, DatabaseSettings database, ProxySettings proxy, PilotSettings pilot,
                        Map<String, SiteConfig> sites, List<QueueConfig> queues) {
        this(director, database, proxy, pilot, sites, queues, null, null, null);
    }

    public QueueConfig queue(String name) {
        return queues.stream().filter(q -> q.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownQueueException(name, queues));
    }
}
