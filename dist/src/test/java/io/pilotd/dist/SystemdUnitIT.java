package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etc/pilotd.service, pointed at the built distribution, as systemd itself judges it. */
class SystemdUnitIT {
    private static final Pattern EXPOSURE = Pattern.compile("Overall exposure level for pilotd\\.service: (\\d+\\.\\d+)");

    @TempDir
    Path dir;

    private Path unit() throws Exception {
        String unit = Files.readString(Pilotd.SOURCE.resolve("etc/pilotd.service"))
                .replace("/opt/pilotd", Pilotd.HOME.toString());
        return Files.writeString(dir.resolve("pilotd.service"), unit);
    }

    /** Warnings about pilotd's unit only: systemd-analyze also says what it thinks of the host's other units. */
    @Test
    void theUnitVerifiesWithoutAWarning() throws Exception {
        Path unit = unit();
        ExternalTool.Result verify = ExternalTool.run("systemd-analyze", "verify", unit.toString());
        assertThat(verify.exitCode()).as(verify.output()).isZero();
        assertThat(verify.output().lines().filter(line -> line.contains(unit.getFileName().toString())))
                .as("systemd's warnings about pilotd.service, in:%n%s", verify.output()).isEmpty();
    }

    @Test
    void theUnitsExposureIsAtMostTwoAndAHalf() throws Exception {
        ExternalTool.Result security = ExternalTool.run("systemd-analyze", "security", "--offline=yes", unit().toString());
        Matcher overall = EXPOSURE.matcher(security.output());
        assertThat(overall.find()).as(security.output()).isTrue();
        assertThat(Double.parseDouble(overall.group(1))).as(security.output()).isLessThanOrEqualTo(2.5);
    }
}
