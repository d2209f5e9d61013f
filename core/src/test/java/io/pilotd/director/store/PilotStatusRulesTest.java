package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each rule about a pilot's status (final, alive, waiting, failure) is one SQL function, equal to
 * PilotStatus's method of the same name, and no statement spells a list of statuses instead:
 * neither an object of the migrated schema nor a line of the sources.
 */
class PilotStatusRulesTest {
    /** Two status literals in a row, as SQL spells a list: {@code ('Done', 'Failed'} or {@code ['Done'::text, 'Failed'::text}. */
    private static final Pattern SPELLED_LIST;
    /** The functions that are the rules: the one place their lists are spelled. */
    private static final Set<String> RULES = Set.of("pilot_is_final", "pilot_is_failure");
    /** The versioned migrations up to the one that made the rules: Flyway checksums them, so they stay as applied. */
    private static final int LAST_HISTORIC_MIGRATION = 22;

    static {
        String status = Arrays.stream(PilotStatus.values()).map(Enum::name).collect(Collectors.joining("|", "'(?:", ")'(?:::text)?"));
        SPELLED_LIST = Pattern.compile(status + "\\s*,\\s*" + status);
    }

    private static Database db;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.fresh();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void theSchemasFunctionsAreTheEnumsRules() {
        for (PilotStatus status : PilotStatus.values()) {
            Map<String, Object> sql = db.jdbi().withHandle(h -> h.createQuery("""
                            select pilot_is_final(:s) as final, pilot_is_alive(:s) as alive,
                                   pilot_is_waiting(:s) as waiting, pilot_is_failure(:s) as failure""")
                    .bind("s", status.name()).mapToMap().one());
            assertThat(sql).as(status.name()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "final", status.isFinal(), "alive", status.isAlive(),
                    "waiting", status.isWaiting(), "failure", status.isFailure()));
        }
    }

    @Test
    void anIndexBuiltOnARuleServesTheQueriesThatUseIt() {
        String plan = db.jdbi().inTransaction(h -> {
            h.execute("set local enable_seqscan = off");
            return String.join("\n", h.createQuery("""
                            explain select id from pilot
                            where driver_setup_id = 1 and pilot_is_alive(status) and status <> 'Submitting'
                            order by id limit 10""").mapTo(String.class).list());
        });
        assertThat(plan).contains("pilot_live_by_setup");
    }

    @Test
    void thePilotTableAdmitsTheEnumsStatusesAndNoOther() {
        String check = db.jdbi().withHandle(h -> h.createQuery("""
                        select pg_get_constraintdef(c.oid) from pg_constraint c
                        where c.conrelid = 'pilot'::regclass and c.contype = 'c'
                          and pg_get_constraintdef(c.oid) like '%status%Submitting%'""")
                .mapTo(String.class).one());
        Set<String> admitted = new TreeSet<>();
        Matcher literal = Pattern.compile("'([A-Za-z]+)'").matcher(check);
        while (literal.find()) {
            admitted.add(literal.group(1));
        }
        assertThat(admitted).isEqualTo(Arrays.stream(PilotStatus.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void theCheckSeesAListInEitherSpelling() {
        assertThat(SPELLED_LIST.matcher("where status not in ('Done', 'Failed', 'Aborted', 'Deleted')").find()).isTrue();
        assertThat(SPELLED_LIST.matcher("(status <> ALL (ARRAY['Done'::text, 'Failed'::text]))").find()).isTrue();
        assertThat(SPELLED_LIST.matcher("where pilot_is_alive(status) and status <> 'Submitting'").find()).isFalse();
    }

    @Test
    void noViewIndexOrFunctionOfTheSchemaSpellsAStatusList() {
        List<String> spelled = db.jdbi().withHandle(h -> h.createQuery("""
                        select 'view ' || viewname || ': ' || definition from pg_views where schemaname = 'public'
                        union all
                        select 'index ' || indexname || ': ' || indexdef from pg_indexes where schemaname = 'public'
                        union all
                        select 'function ' || p.proname || ': ' || p.prosrc
                        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                        where n.nspname = 'public' and p.proname <> all(:rules)""")
                .bind("rules", RULES.toArray(String[]::new))
                .mapTo(String.class).filter(def -> SPELLED_LIST.matcher(def).find()).list());
        assertThat(spelled).as("objects that spell a status list instead of using pilot_is_final, _alive, _waiting or _failure")
                .isEmpty();
    }

    @Test
    void noStatementInTheSourcesSpellsAStatusList() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("schema/migrations")).isDirectory();
        List<String> spelled = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".sql"))
                    .filter(f -> !excluded(root.relativize(f)))
                    .forEach(f -> spelled.addAll(spelledIn(root, f)));
        }
        assertThat(spelled).as("statements that spell a status list instead of using pilot_is_final, _alive, _waiting or _failure")
                .isEmpty();
    }

    private static boolean excluded(Path relative) {
        String path = relative.toString();
        if (path.contains("/target/") || path.startsWith("shared/") || path.startsWith(".")) {
            return true;
        }
        // A fake of DIRAC's PilotAgentsDB, whose list is DIRAC's rule as DIRAC spells it; and this
        // test, whose examples are spelled lists.
        if (path.equals("fakes/src/main/java/io/pilotd/fakes/FakeDirac.java")
                || path.endsWith("/" + PilotStatusRulesTest.class.getSimpleName() + ".java")) {
            return true;
        }
        Matcher version = Pattern.compile("schema/migrations/V(\\d+)__.*").matcher(path);
        return version.matches() && Integer.parseInt(version.group(1)) <= LAST_HISTORIC_MIGRATION;
    }

    private static List<String> spelledIn(Path root, Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            List<String> found = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (SPELLED_LIST.matcher(lines.get(i)).find()) {
                    found.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
