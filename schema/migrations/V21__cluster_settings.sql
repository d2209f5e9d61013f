-- pilotd schema, version 21: the settings a cluster's directors must share, as the one that
-- last applied its config file wrote them.
--
-- A director that joins a cluster whose other directors run compares its file with these, and
-- is refused, with every difference named, when they differ: two directors with different
-- queue limits or demand sources would otherwise take turns writing their own over the other's.
-- One row per setting, keyed as a config file names it (queues[lhcb-x].limits.maxRunning).
create table cluster_setting (
    key   text primary key,
    value text not null
);
