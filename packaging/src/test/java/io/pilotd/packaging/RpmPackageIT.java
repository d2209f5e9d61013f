package io.pilotd.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The EL9 .rpm as rpmlint and rpm's own queries see it (rpmbuild makes it where it is installed). */
class RpmPackageIT {
    @TempDir
    Path dir;

    private Path rpm;

    @BeforeEach
    void built() throws Exception {
        ExternalTool.assumeInstalled("rpmbuild");
        rpm = Command.built(Command.PACKAGES.resolve("noarch"), "pilotd-*.noarch.rpm");
    }

    private ExternalTool.Result query(String... options) throws Exception {
        String[] command = new String[options.length + 3];
        command[0] = "rpm";
        command[1] = "-qp";
        System.arraycopy(options, 0, command, 2, options.length);
        command[command.length - 1] = rpm.toString();
        ExternalTool.Result result = Command.run(command);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result;
    }

    /**
     * Signed as a release is signed ({@code rpmsign --addsign}), here with a key made for the
     * test and trusted by an rpm database of the test's own, rpmlint finds no error.
     */
    @Test
    void rpmlintFindsNoErrorInTheSignedPackage() throws Exception {
        ExternalTool.assumeInstalled("gpg");
        Path gnupg = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path home = Files.createDirectory(dir.resolve("home"));
        Files.writeString(home.resolve(".rpmmacros"), "%_dbpath " + Files.createDirectory(dir.resolve("rpmdb")) + "\n");
        Map<String, String> env = Map.of("GNUPGHOME", gnupg.toString(), "HOME", home.toString());
        String signer = "pilotd test signer <signer@pilotd.invalid>";
        ExternalTool.Result key = Command.run(env, "gpg", "--batch", "--passphrase", "", "--quick-gen-key", signer, "rsa2048", "sign", "never");
        assertThat(key.exitCode()).as(key.output()).isZero();
        ExternalTool.Result exported = Command.run(env, "gpg", "--batch", "--armor", "--output", dir.resolve("signer.asc").toString(), "--export", signer);
        assertThat(exported.exitCode()).as(exported.output()).isZero();
        ExternalTool.Result trusted = Command.run(env, "rpmkeys", "--import", dir.resolve("signer.asc").toString());
        assertThat(trusted.exitCode()).as(trusted.output()).isZero();
        Path signed = Files.copy(rpm, dir.resolve(rpm.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        ExternalTool.Result sign = Command.run(env, "rpmsign", "--define", "__gpg /usr/bin/gpg", "--define", "_gpg_name " + signer,
                "--addsign", signed.toString());
        assertThat(sign.exitCode()).as(sign.output()).isZero();

        ExternalTool.Result lint = Command.run(env, "rpmlint", signed.toString());

        assertThat(lint.output().lines().filter(line -> line.contains(": E: "))).as(lint.output()).isEmpty();
        assertThat(lint.output()).contains(" 0 errors");
        assertThat(lint.exitCode()).as(lint.output()).isZero();
    }

    @Test
    void theFilesAreWhereEl9LooksWithTheirOwnersModesAndFlags() throws Exception {
        String files = query("--qf", "[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILENAMES}\\n]").output();

        assertThat(files.lines())
                // c: a configuration file; n: noreplace, an edited one is never overwritten
                .contains("cn -rw-r--r-- root:root /etc/pilotd/pilotd.yaml")
                .contains(" drwxr-xr-x root:pilotd /etc/pilotd")
                .contains(" drwxr-xr-x pilotd:pilotd /var/lib/pilotd")
                .contains(" -rwxr-xr-x root:root /usr/share/pilotd/bin/pilotd")
                .contains(" lrwxrwxrwx root:root /usr/bin/pilotd")
                .contains(" -rw-r--r-- root:root /usr/lib/systemd/system/pilotd.service")
                .contains(" -rw-r--r-- root:root /usr/lib/sysusers.d/pilotd.conf")
                .contains(" -rw-r--r-- root:root /usr/share/bash-completion/completions/pilotd")
                .contains("d -rw-r--r-- root:root /usr/share/man/man1/pilotd.1.gz")
                .contains("d -rw-r--r-- root:root /usr/share/man/man1/pilotd-run.1.gz")
                .contains("l -rw-r--r-- root:root /usr/share/licenses/pilotd/LICENSE")
                .anyMatch(line -> line.matches(" -rw-r--r-- root:root /usr/share/pilotd/lib/pilotd-director-.*\\.jar"));
        assertThat(files).doesNotContain("/usr/com").doesNotContain("/opt/");
        assertThat(query("--qf", "[%{FILENAMES} -> %{FILELINKTOS}\\n]").output())
                .contains("/usr/bin/pilotd -> ../share/pilotd/bin/pilotd");
        assertThat(query("--configfiles").output().lines()).containsExactly("/etc/pilotd/pilotd.yaml");
    }

    @Test
    void javaIsADependencyNotAPassenger() throws Exception {
        assertThat(query("--requires").output().lines())
                .contains("java-headless >= 1:17", "systemd", "shadow-utils")
                .noneMatch(line -> line.startsWith("java-17-openjdk"));
        assertThat(query("--qf", "%{ARCH}").output()).isEqualTo("noarch");
        assertThat(query("-l").output().lines()).noneMatch(line -> line.endsWith("/bin/java") || line.contains("/jre/"));
    }

    @Test
    void theScriptletsCreateTheUserAndFollowSystemdsConventions() throws Exception {
        String scripts = query("--scripts").output();

        assertThat(section(scripts, "preinstall")).contains("getent passwd pilotd", "useradd -r -g pilotd -d /var/lib/pilotd -s /sbin/nologin");
        assertThat(section(scripts, "postinstall")).contains("[ $1 -eq 1 ]", "systemctl --no-reload preset pilotd.service");
        assertThat(section(scripts, "preuninstall")).contains("[ $1 -eq 0 ]", "systemctl --no-reload disable --now pilotd.service");
        assertThat(section(scripts, "postuninstall")).contains("[ $1 -ge 1 ]", "systemctl try-restart pilotd.service");
    }

    @Test
    void theUnitRunsThePackagedLauncher() throws Exception {
        Path unpacked = Files.createDirectory(dir.resolve("root"));
        ExternalTool.Result unpack = Command.run("sh", "-c", "rpm2cpio '" + rpm + "' | (cd '" + unpacked + "' && cpio -idm --quiet ./usr/lib/systemd/system/pilotd.service)");
        assertThat(unpack.exitCode()).as(unpack.output()).isZero();
        String unit = Files.readString(unpacked.resolve("usr/lib/systemd/system/pilotd.service"));

        assertThat(unit).contains("ExecStart=/usr/bin/pilotd run", "ExecStartPre=/usr/bin/pilotd config check", "User=pilotd")
                .doesNotContain("/opt/pilotd");
    }

    /** One scriptlet of {@code rpm --scripts}: from its heading to the next. */
    private static String section(String scripts, String name) {
        int start = scripts.indexOf(name + " scriptlet");
        assertThat(start).as("%s in:%n%s", name, scripts).isNotNegative();
        int end = scripts.indexOf(" scriptlet (using", start + name.length() + 10);
        return end < 0 ? scripts.substring(start) : scripts.substring(start, scripts.lastIndexOf('\n', end));
    }
}
