package io.pilotd.director.store;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The cluster's shared settings (V21), as the director that last applied its file wrote them. */
public final class ClusterSettingStore {
    private final Jdbi jdbi;

    public ClusterSettingStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The settings in force; empty before a director wrote any. */
    public SortedMap<String, String> inForce() {
        SortedMap<String, String> settings = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("select key, value from cluster_setting")
                .map((rs, ctx) -> Map.entry(rs.getString("key"), rs.getString("value")))
                .forEach(e -> settings.put(e.getKey(), e.getValue())));
        return settings;
    }

    /** These become the settings in force, all at once. */
    public void replace(Map<String, String> settings) {
        jdbi.useTransaction(h -> {
            h.execute("delete from cluster_setting");
            PreparedBatch batch = h.prepareBatch("insert into cluster_setting (key, value) values (:key, :value)");
            settings.forEach((key, value) -> batch.bind("key", key).bind("value", value).add());
            if (!settings.isEmpty()) {
                batch.execute();
            }
        });
    }
}
