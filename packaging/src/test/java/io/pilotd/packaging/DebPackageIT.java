package io.pilotd.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pilotd.director.testing.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .deb as lintian judges it, and as dpkg installs, upgrades and purges it on this machine. */
class DebPackageIT {
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for pilotd\\.service: (\\d+\\.\\d+)");
    private static final Path UNIT = Path.of("/lib/systemd/system/pilotd.service");
    private static final Path CONFIG = Path.of("/etc/pilotd/pilotd.yaml");
    private static final Path DATA = Path.of("/var/lib/pilotd");
    /** What other packages and dpkg itself keep, which a package's install and purge may change. */
    private static final List<Path> OTHERS = List.of(Path.of("/var/lib/dpkg"), Path.of("/var/lib/apt"), Path.of("/var/cache"), Path.of("/var/log"));

    @TempDir
    Path dir;

    private Path deb;

    @BeforeEach
    void built() throws IOException {
        deb = Command.built(Command.PACKAGES, "pilotd_*_all.deb");
    }

    @Test
    void lintianFindsNoError() throws Exception {
        ExternalTool.Result lint = Command.run("lintian", "--tag-display-limit", "0", deb.toString());

        assertThat(lint.output().lines().filter(line -> line.startsWith("E: "))).as(lint.output()).isEmpty();
        assertThat(lint.exitCode()).as(lint.output()).isZero();
    }

    @Test
    void javaIsADependencyAndTheConfigAConffile() throws Exception {
        ExternalTool.Result depends = Command.run("dpkg-deb", "--field", deb.toString(), "Depends", "Architecture");
        ExternalTool.Result conffiles = Command.run("dpkg-deb", "--info", deb.toString(), "conffiles");
        ExternalTool.Result contents = Command.run("dpkg-deb", "--contents", deb.toString());

        assertThat(depends.output()).contains("Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser")
                .contains("Architecture: all");
        assertThat(conffiles.output().lines()).containsExactly("/etc/pilotd/pilotd.yaml");
        assertThat(contents.output().lines())
                .anyMatch(line -> line.startsWith("-rwxr-xr-x root/root") && line.endsWith(" ./usr/share/pilotd/bin/pilotd"))
                .anyMatch(line -> line.startsWith("l") && line.endsWith(" ./usr/bin/pilotd -> ../share/pilotd/bin/pilotd"))
                .anyMatch(line -> line.endsWith(" ./lib/systemd/system/pilotd.service"))
                .anyMatch(line -> line.endsWith(" ./usr/share/bash-completion/completions/pilotd"))
                .anyMatch(line -> line.endsWith(" ./usr/share/man/man1/pilotd.1.gz"))
                .anyMatch(line -> line.endsWith(" ./usr/share/man/man1/pilotd-config-check.1.gz"))
                .noneMatch(line -> line.endsWith("/bin/java") || line.contains("/jre/"));
    }

    /**
     * As an operator would: install an older build, edit the config, let the director keep data,
     * upgrade to this build, then purge. Needs root and a host where pilotd is not installed; it
     * leaves the host as it found it (but the pilotd system user, which Debian keeps).
     */
    @Test
    void anOperatorInstallsUpgradesAndPurgesIt() throws Exception {
        ExternalTool.assumeInstalled("dpkg");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            System.err.println("SKIPPED: installing the .deb needs root (CI runs as root)");
        }
        assumeTrue(root, "not root");
        ExternalTool.Result installed = Command.run("dpkg-query", "--show", "--showformat=${db:Status-Status}", "pilotd");
        boolean clean = !installed.output().startsWith("installed") && !installed.output().startsWith("config-files") && !Files.exists(CONFIG);
        if (!clean) {
            System.err.println("SKIPPED: pilotd is installed on this host; the test installs and purges its own");
        }
        assumeTrue(clean, "pilotd is installed here");

        Set<String> before = filesOnDisk();
        try {
            assertSucceeds(Command.run("dpkg", "--install", older(deb).toString()));
            assertThat(Command.run("getent", "passwd", "pilotd").output()).contains(":/var/lib/pilotd:/usr/sbin/nologin");
            assertOwnedAs(DATA, "pilotd", "pilotd", "rwxr-x---");
            assertOwnedAs(CONFIG.getParent(), "root", "pilotd", "rwxr-x---");
            assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/pilotd.service")).as("enabled").isSymbolicLink();

            ExternalTool.Result version = asPilotd("pilotd", "--version");
            assertSucceeds(version);
            assertThat(version.output()).startsWith("pilotd ");
            ExternalTool.Result check = asPilotd("pilotd", "config", "check", CONFIG.toString());
            assertSucceeds(check);
            assertThat(check.output()).contains("/etc/pilotd/pilotd.yaml: OK, 0 queue(s)");

            theInstalledUnitVerifiesAndIsHardened();

            Files.writeString(CONFIG, Files.readString(CONFIG) + "# edited by the operator\n");
            assertSucceeds(asPilotd("sh", "-c", "echo pilots > /var/lib/pilotd/kept-across-upgrades"));

            assertSucceeds(Command.run("dpkg", "--install", deb.toString()));
            assertThat(Command.run("dpkg-query", "--show", "--showformat=${Version}", "pilotd").output())
                    .isEqualTo(Command.run("dpkg-deb", "--field", deb.toString(), "Version").output().strip());
            assertThat(Files.readString(CONFIG)).endsWith("# edited by the operator\n");
            assertThat(DATA.resolve("kept-across-upgrades")).hasContent("pilots");
            assertOwnedAs(DATA, "pilotd", "pilotd", "rwxr-x---");

            assertSucceeds(Command.run("dpkg", "--purge", "pilotd"));
            Set<String> after = filesOnDisk();
            assertThat(difference(after, before)).as("left on disk by the purge").isEmpty();
            assertThat(difference(before, after)).as("removed by install and purge that was there before").isEmpty();
        } finally {
            Command.run("dpkg", "--purge", "pilotd");
        }
    }

    private void theInstalledUnitVerifiesAndIsHardened() throws Exception {
        ExternalTool.Result verify = Command.run("systemd-analyze", "verify", UNIT.toString());
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output().lines().filter(line -> line.contains("pilotd.service"))).as(verify.output()).isEmpty();
        ExternalTool.Result security = Command.run("systemd-analyze", "security", "--offline=yes", UNIT.toString());
        Matcher overall = EXPOSURE.matcher(security.output());
        assertThat(overall.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(overall.group(1))).as(security.output()).isLessThanOrEqualTo(2.5);
    }

    /** The same package, numbered as an earlier build. */
    private Path older(Path deb) throws Exception {
        Path tree = dir.resolve("older");
        assertSucceeds(Command.run("dpkg-deb", "--raw-extract", deb.toString(), tree.toString()));
        Path control = tree.resolve("DEBIAN/control");
        Files.writeString(control, Files.readString(control).replaceFirst("(?m)^Version: .*$", "Version: 0.0.1"));
        Path older = dir.resolve("pilotd_0.0.1_all.deb");
        // uncompressed: xz, dpkg-deb's default, takes half a minute over the jars
        assertSucceeds(Command.run("dpkg-deb", "-Znone", "--root-owner-group", "--build", tree.toString(), older.toString()));
        return older;
    }

    /** A command as the pilotd user, from its home (runuser sets HOME), as {@code sudo -u pilotd -H} would run it. */
    private static ExternalTool.Result asPilotd(String... command) throws Exception {
        String[] line = new String[command.length + 4];
        line[0] = "runuser";
        line[1] = "-u";
        line[2] = "pilotd";
        line[3] = "--";
        System.arraycopy(command, 0, line, 4, command.length);
        return Command.run(line);
    }

    private static void assertSucceeds(ExternalTool.Result result) {
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    private static void assertOwnedAs(Path path, String owner, String group, String mode) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(attributes.owner().getName()).as("owner of %s", path).isEqualTo(owner);
        assertThat(attributes.group().getName()).as("group of %s", path).isEqualTo(group);
        assertThat(PosixFilePermissions.toString(attributes.permissions())).as("mode of %s", path).isEqualTo(mode);
    }

    /** Every path a package may write, but what other packages and dpkg itself keep. */
    private static Set<String> filesOnDisk() throws IOException {
        Set<String> files = new TreeSet<>();
        for (String top : List.of("/etc", "/usr", "/lib", "/var/lib", "/opt", "/srv")) {
            Path root = Path.of(top);
            if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                walk.filter(path -> OTHERS.stream().noneMatch(path::startsWith)).forEach(path -> files.add(path.toString()));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return files;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> left = new TreeSet<>(a);
        left.removeAll(b);
        return left;
    }
}
