package io.pilotd.director.demand;

import io.pilotd.director.background.Background;
import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.dirac.DiracTaskQueue;
import io.pilotd.director.dirac.TaskQueueDbReader;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.DatabaseHealth;
import io.pilotd.director.store.DutyTurns;
import io.pilotd.driver.api.Durations;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live DIRAC TaskQueueDB, read-only: every {@code demand.poll} its task queues with waiting jobs
 * are read ({@link TaskQueueDbReader}) and written to pilotd's database, where the decisions
 * match them to the queues by DIRAC's rules (V13, V16). The task queues whose waiting jobs grew
 * since the last read wake the queues that serve them.
 *
 * <p>One director of a cluster reads DIRAC ({@link ClusterDuties.Duty#DIRAC_POLL}); the others try
 * to take the poll every period, so that one takes it within a period of the poller's death. A
 * poller that cannot read DIRAC hands the poll over and stands aside for a period, so that a
 * director that can reach DIRAC takes it.
 *
 * <p>A failed read changes nothing: the last picture stays. But once the cluster has not read
 * DIRAC's database for {@link #staleAfter} (its last good read, by whichever director, is in
 * pilotd's database), its jobs count as none, so that no pilot is started for jobs that may be
 * long gone; the first good read brings them back. One director's failure alone never zeroes a
 * picture that another keeps fresh.
 */
public final class DiracTaskQueueDB implements DemandSource {
    private static final Logger log = LoggerFactory.getLogger(DiracTaskQueueDB.class);
    static final Duration LEAST_STALE = Duration.ofMinutes(2);

    private final TaskQueueDbReader reader;
    private final DemandStore store;
    private final DutyTurns turns;
    private final List<String> queues;
    private final DemandSettings settings;
    private final Clock clock;
    private final Instant started;
    private final Background background;
    /** What is in pilotd's database: what the next read is compared with. */
    private Map<Long, DiracTaskQueue> written = Map.of();
    private boolean failing;
    private boolean forgotten;
    private boolean writeFailing;

    public DiracTaskQueueDB(TaskQueueDbReader reader, DemandStore store, ClusterDuties duties, List<String> queues,
                            DemandSettings settings, Clock clock, Background background) {
        this.reader = reader;
        this.store = store;
        this.turns = new DutyTurns(duties, ClusterDuties.Duty.DIRAC_POLL);
        this.queues = List.copyOf(queues);
        this.settings = settings;
        this.clock = clock;
        this.started = clock.instant();
        this.background = background;
    }

    @Override
    public String name() {
        return DemandSettings.DIRAC;
    }

    /** How long DIRAC's database may be out of reach before its jobs count as none. */
    Duration staleAfter() {
        Duration tenPolls = settings.poll().multipliedBy(10);
        return tenPolls.compareTo(LEAST_STALE) > 0 ? tenPolls : LEAST_STALE;
    }

    @Override
    public void start(Consumer<Set<String>> newJobs) {
        log.info("demand from DIRAC's TaskQueueDB {}, read every {}", reader.database().description(),
                Durations.format(settings.poll()));
        background.every("dirac-poll", Duration.ZERO, settings.poll(), () -> {
            try {
                Set<Long> grown = tick().orElse(Set.of());
                if (settings.wakeUp() && !grown.isEmpty()) {
                    Set<String> woken = store.serving(grown, queues);
                    if (!woken.isEmpty()) {
                        newJobs.accept(woken);
                    }
                }
                writeFailing = false;
            } catch (RuntimeException e) {
                // pilotd's database away: DatabaseHealth says so; this says what it stops, once
                if (!writeFailing) {
                    log.warn("DIRAC's task queues cannot be written to pilotd's database (tried again every {}): {}",
                            Durations.format(settings.poll()), e.getMessage());
                    writeFailing = true;
                }
            }
        });
    }

    /**
     * One period: reads DIRAC when this director holds the cluster's poll, taking it when no
     * director does.
     *
     * @return the task queues whose waiting jobs grew, when this director read DIRAC; empty when
     *         another director polls, or the read failed
     */
    Optional<Set<Long>> tick() {
        DutyTurns.Turn turn = turns.next();
        if (turn == DutyTurns.Turn.LOST) {
            log.warn("DIRAC's TaskQueueDB is polled by another director now: this one lost the poll");
        }
        if (!turn.doing()) {
            return Optional.empty();
        }
        if (turn == DutyTurns.Turn.TAKEN) {
            // the picture the cluster holds, whoever wrote it: what grew is what grew since then
            written = store.diracSnapshot();
            log.info("this director polls DIRAC's TaskQueueDB for the cluster");
        }
        return poll();
    }

    /**
     * Reads DIRAC's task queues once and writes what changed.
     *
     * @return the task queues whose waiting jobs grew; empty when the read failed
     */
    private Optional<Set<Long>> poll() {
        List<DiracTaskQueue> read;
        try {
            read = reader.read();
        } catch (SQLException e) {
            unreadable(e);
            return Optional.empty();
        }
        Instant now = clock.instant();
        List<DiracTaskQueue> changed = new ArrayList<>();
        Set<Long> grown = new TreeSet<>();
        Map<Long, DiracTaskQueue> next = new HashMap<>();
        for (DiracTaskQueue tq : read) {
            next.put(tq.tqId(), tq);
            DiracTaskQueue before = written.get(tq.tqId());
            if (!tq.equals(before)) {
                changed.add(tq);
            }
            if (before == null || tq.jobs() > before.jobs()) {
                grown.add(tq.tqId());
            }
        }
        store.writeDirac(changed, next.keySet(), now);
        written = next;
        if (failing || forgotten) {
            log.info("DIRAC's TaskQueueDB read again: {} task queue(s) with {} waiting job(s)", read.size(),
                    read.stream().mapToLong(DiracTaskQueue::jobs).sum());
        }
        failing = false;
        forgotten = false;
        return Optional.of(grown);
    }

    /**
     * A failed read: the picture stays while the cluster's last good read is recent, is forgotten
     * once it is not, and the poll goes to another director for a period.
     */
    private void unreadable(SQLException e) {
        // the picture is as old as the cluster's last read: another director's, or this one's before a restart
        Instant lastRead = store.state().diracReadAt();
        Duration out = Duration.between(lastRead != null ? lastRead : started, clock.instant());
        if (!failing) {
            log.warn("cannot read DIRAC's TaskQueueDB {} (the poll is handed to another director; the last picture"
                            + " stays for {}, tried again every {}): {}", reader.database().description(),
                    Durations.format(staleAfter()), Durations.format(settings.poll()), e.getMessage());
            failing = true;
        }
        if (out.compareTo(staleAfter()) >= 0 && !written.isEmpty()) {
            store.forgetDiracJobs();
            written = Map.of();
            if (!forgotten) {
                log.error("DIRAC's TaskQueueDB has been out of reach for {}: its waiting jobs count as none until it"
                        + " answers again, so that no pilot starts for jobs that may be gone", Durations.format(out));
                forgotten = true;
            }
        }
        turns.failed();
    }

    @Override
    public void close() {
        reader.database().close();
    }
}
