package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.StatementCounter;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cycle's statements do not grow with its pilots: one insert for a batch's rows, one update for
 * their jobRefs, one for any number of status changes (a per-pilot design sends two or three
 * statements a pilot); and they are at most ten, the decision's reads being one call.
 */
class CycleStatementsTest {
    private Database db;
    private StatementCounter statements;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        statements = new StatementCounter(db.dataSource());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** The statements of a submitting cycle, then of a following one that sees them all run. */
    private int[] cycleOf(String queue, int pilots, boolean cappedSite) {
        QueueConfig config = Queues.queue(queue, pilots, pilots, pilots);
        Queues.sync(db, cappedSite ? Map.of(config.site(), new SiteConfig(10_000, 10_000, 10_000)) : Map.of(), config);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver("stmt-test");
        QueueCycle cycle = new QueueCycle(statements.jdbi(), PilotEnvironment.none("stmt-test"), "stmt-test", Clock.systemUTC(),
                1000);
        cycle.run(queue, driver);
        Queues.demand(db, queue, pilots);
        statements.reset();
        cycle.run(queue, driver);
        int submitting = statements.count();
        assertThat(submitting).as("a submitting cycle's statements: %s", statements.executed()).isLessThanOrEqualTo(10);
        cloud.move(PilotStatus.Waiting, PilotStatus.Running);
        statements.reset();
        cycle.run(queue, driver);
        int following = statements.count();
        assertThat(following).as("a following cycle's statements: %s", statements.executed()).isLessThanOrEqualTo(10);
        assertThat(Queues.counts(db, queue).running()).isEqualTo(pilots);
        return new int[] {submitting, following};
    }

    @Test
    void aCyclesStatementsAreAsManyForOnePilotAsForFiveHundred() {
        int[] one = cycleOf("one", 1, false);
        int[] many = cycleOf("many", 500, false);
        assertThat(many[0]).as("submitting 500 pilots against 1").isEqualTo(one[0]);
        assertThat(many[1]).as("500 status changes against 1").isEqualTo(one[1]);
    }

    @Test
    void aCappedSitesQueueReadsItsSiteInOneMoreStatement() {
        int[] uncapped = cycleOf("free", 100, false);
        int[] capped = cycleOf("capped", 100, true);
        assertThat(capped[0]).as("submitting at a capped site").isEqualTo(uncapped[0] + 1);
    }
}
