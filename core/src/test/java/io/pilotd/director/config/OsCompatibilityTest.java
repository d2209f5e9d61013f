package io.pilotd.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A queue's platform from its OS, as DIRAC derives a CE's (QueueUtilities.setPlatform with
 * Resources.getDIRACPlatform), with the facts of DIRAC's own tests of those
 * (src/DIRAC/ConfigurationSystem/Client/Helpers/test/Test_Helpers.py).
 */
class OsCompatibilityTest {
    /** test_getDIRACPlatform's OSCompatibility: plat1 = OS1, OS2,  OS3; plat2 = OS4, OS5; plat3 = OS1, OS4. */
    private static final Map<String, List<String>> DIRACS_TEST = new LinkedHashMap<>();

    static {
        DIRACS_TEST.put("plat1", List.of("OS1", "OS2", " OS3"));
        DIRACS_TEST.put("plat2", List.of("OS4", "OS5"));
        DIRACS_TEST.put("plat3", List.of("OS1", "OS4"));
    }

    @Test
    void theCompatiblePlatformsOfDiracsOwnTest() {
        assertThat(OsCompatibility.platformsFor("plat", DIRACS_TEST)).as("no compatible platform").isEmpty();
        assertThat(OsCompatibility.platformsFor("OS1", DIRACS_TEST)).containsExactlyInAnyOrder("plat1", "plat3");
        assertThat(OsCompatibility.platformsFor("OS2", DIRACS_TEST)).containsExactly("plat1");
        assertThat(OsCompatibility.platformsFor("OS3", DIRACS_TEST)).as("spaces dropped").containsExactly("plat1");
        assertThat(OsCompatibility.platformsFor("OS4", DIRACS_TEST)).containsExactlyInAnyOrder("plat2", "plat3");
        assertThat(OsCompatibility.platformsFor("OS5", DIRACS_TEST)).containsExactly("plat2");
        assertThat(OsCompatibility.platformsFor("plat1", DIRACS_TEST)).as("a platform is one of its own OSes")
                .containsExactly("plat1");
    }

    @Test
    void theSortKeysOfDiracsOwnTest() {
        assertThat(unpadded("Darwin_arm64_12.4")).containsExactly("darwin", "_", "arm", "64", "_", "12", "4");
        assertThat(unpadded("Linux_x86_64_glibc-2.17"))
                .containsExactly("linux", "_", "x", "86", "_", "64", "_", "glibc", "-", "2", "17");
        assertThat(unpadded("Linux_aarch64_glibc-2.28"))
                .containsExactly("linux", "_", "aarch", "64", "_", "glibc", "-", "2", "28");
        assertThat(OsCompatibility.sortKey("Linux_x86_64_glibc-2.17")).contains("00000086", "00000017");
    }

    private static List<String> unpadded(String platform) {
        return OsCompatibility.sortKey(platform).stream().map(p -> p.replaceFirst("^0+(?=.)", "")).toList();
    }

    @Test
    void anOsTakesTheHighestCompatiblePlatformAndAnOwnPlatformIsKeptAsItIs() {
        Map<String, List<String>> cs = new LinkedHashMap<>();
        cs.put("Linux_x86_64_glibc-2.17", List.of("x86_64_EL7", "x86_64_CentOS7"));
        cs.put("Linux_x86_64_glibc-2.34", List.of("x86_64_EL9", "x86_64_EL8", "x86_64_EL7"));
        cs.put("Linux_x86_64_glibc-2.28", List.of("x86_64_EL8", "x86_64_EL7"));
        cs.put("Linux_aarch64_glibc-2.34", List.of("aarch64_EL9"));

        assertThat(os("EL7", null).diracPlatform(cs)).as("numbers compared as numbers, highest first")
                .isEqualTo("Linux_x86_64_glibc-2.34");
        assertThat(OsCompatibility.platformsFor("x86_64_EL7", cs))
                .containsExactly("Linux_x86_64_glibc-2.34", "Linux_x86_64_glibc-2.28", "Linux_x86_64_glibc-2.17");
        assertThat(os("CentOS7", null).diracPlatform(cs)).isEqualTo("Linux_x86_64_glibc-2.17");
        assertThat(os("EL9", "aarch64").diracPlatform(cs)).isEqualTo("Linux_aarch64_glibc-2.34");
        assertThat(os("EL10", null).diracPlatform(cs)).as("no compatible platform: <architecture>_<os> as it is")
                .isEqualTo("x86_64_EL10");
        assertThat(os("EL9", null).diracPlatform(Map.of())).as("no OSCompatibility").isEqualTo("x86_64_EL9");
        assertThat(new Matching(null, "EL9-special", null, null, null, null, null, null).diracPlatform(cs))
                .isEqualTo("EL9-special");
        assertThat(Matching.any().diracPlatform(cs)).isNull();
    }

    private static Matching os(String os, String architecture) {
        return new Matching(null, null, null, null, null, null, null, null, null, os, architecture);
    }
}
