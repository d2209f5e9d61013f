package io.pilotd.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the openstack driver takes its credentials from, and what it says when they are wrong. */
class OpenStackConfigTest {
    @TempDir
    Path home;

    private static Map<String, Object> vm(Map<String, Object> more) {
        Map<String, Object> p = new LinkedHashMap<>(Map.of("image", "alma9-pilot", "flavor", "m1.large"));
        p.putAll(more);
        return p;
    }

    private OpenStackConfig config(Map<String, Object> parameters, Map<String, String> env) throws InvalidParametersException {
        return OpenStackConfig.from(new DriverParameters(parameters), env, home, home.resolve("work"));
    }

    @Test
    void aCloudOfCloudsYamlWithItsSecureYamlGivesEverySetting() throws Exception {
        Path dir = Files.createDirectories(home.resolve(".config/openstack"));
        Files.writeString(dir.resolve("clouds.yaml"), """
                clouds:
                  cern:
                    region_name: CERN-2
                    interface: internal
                    auth:
                      auth_url: https://keystone.example.org:443/v3/
                      username: lhcbpilot
                      project_name: lhcb-pilots
                      user_domain_name: Users
                """);
        Files.writeString(dir.resolve("secure.yaml"), "clouds:\n  cern:\n    auth:\n      password: from-secure-yaml\n");

        KeystoneCredentials c = config(vm(Map.of("cloud", "cern")), Map.of()).credentials();

        assertThat(c.authUrl()).hasToString("https://keystone.example.org:443/v3");
        assertThat(c.region()).contains("CERN-2");
        assertThat(c.endpointInterface()).isEqualTo("internal");
        assertThat(c.username()).isEqualTo("lhcbpilot");
        assertThat(c.userDomain()).isEqualTo("Users");
        assertThat(c.projectDomain()).as("the user's domain when none is said").isEqualTo("Users");
        assertThat(c.password()).isEqualTo("from-secure-yaml");
        assertThat(c.toString()).contains("cloud 'cern' of " + dir.resolve("clouds.yaml")).doesNotContain("from-secure-yaml");
    }

    @Test
    void cloudsYamlIsFoundUnderXdgConfigHomeWhereItIsSet() throws Exception {
        Path xdg = Files.createDirectories(home.resolve("xdg/openstack"));
        Files.writeString(xdg.resolve("clouds.yaml"), "clouds:\n  cern:\n    auth:\n      auth_url: https://xdg.example.org/v3\n"
                + "      username: u\n      password: p\n      project_name: pr\n");
        Path dotConfig = Files.createDirectories(home.resolve(".config/openstack"));
        Files.writeString(dotConfig.resolve("clouds.yaml"), "clouds:\n  cern:\n    auth:\n      auth_url: https://home.example.org/v3\n"
                + "      username: u\n      password: p\n      project_name: pr\n");

        assertThat(config(vm(Map.of("cloud", "cern")), Map.of("XDG_CONFIG_HOME", home.resolve("xdg").toString())).credentials().authUrl())
                .hasToString("https://xdg.example.org/v3");
        assertThat(config(vm(Map.of("cloud", "cern")), Map.of("XDG_CONFIG_HOME", "relative/is/ignored")).credentials().authUrl())
                .hasToString("https://home.example.org/v3");
    }

    @Test
    void osVariablesFillWhatIsNotSetAndAParameterWinsOverBoth() throws Exception {
        Map<String, String> env = Map.of("OS_AUTH_URL", "https://keystone.example.org:5000", "OS_USERNAME", "env-user",
                "OS_PROJECT_NAME", "env-project", "OS_PASSWORD", "env-password", "OS_REGION_NAME", "RegionTwo");
        KeystoneCredentials c = config(vm(Map.of("username", "param-user")), env).credentials();
        assertThat(c.authUrl()).as("/v3 is added").hasToString("https://keystone.example.org:5000/v3");
        assertThat(c.username()).isEqualTo("param-user");
        assertThat(c.project()).isEqualTo("env-project");
        assertThat(c.region()).contains("RegionTwo");
        assertThat(c.password()).isEqualTo("env-password");

        KeystoneCredentials app = config(vm(Map.of("authUrl", "https://k.example.org/v3")),
                Map.of("OS_APPLICATION_CREDENTIAL_ID", "abc", "OS_APPLICATION_CREDENTIAL_SECRET", "s3cret")).credentials();
        assertThat(app.applicationCredential()).isTrue();
        assertThat(app.describe()).contains("application credential abc").doesNotContain("s3cret");
    }

    @Test
    void aPasswordFileMustBeTheOwnersAlone() throws Exception {
        Path file = home.resolve("password");
        Files.writeString(file, "from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Map<String, Object> p = vm(Map.of("authUrl", "https://k.example.org/v3", "username", "u", "project", "p",
                "passwordFile", file.toString()));
        assertThat(config(p, Map.of()).credentials().password()).isEqualTo("from-file");

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> config(p, Map.of())).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("passwordFile: " + file + " can be read by others than its owner: chmod 600 it");
    }

    @Test
    void whatIsMissingOrWrongIsNamedAllAtOnce() {
        assertThatThrownBy(() -> config(Map.of("cloud", "nowhere", "networks", java.util.List.of("none", "net1"),
                "metadata", Map.of("pilotd-batch", "x"), "colour", "blue"), Map.of()))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("cloud: no clouds.yaml found")
                .hasMessageContaining("authUrl: is required, here, in clouds.yaml (auth.auth_url) or as OS_AUTH_URL")
                .hasMessageContaining("username: is required")
                .hasMessageContaining("passwordFile: is required")
                .hasMessageContaining("image: is required")
                .hasMessageContaining("flavor: is required")
                .hasMessageContaining("networks: none goes alone")
                .hasMessageContaining("metadata.pilotd-batch: the prefix pilotd- is pilotd's own")
                .hasMessageContaining("colour: is not a parameter of this driver");
    }

    @Test
    void aPasswordFileBesideAnApplicationCredentialIsNamedAsAMistake() {
        assertThatThrownBy(() -> config(vm(Map.of("authUrl", "https://k.example.org/v3", "applicationCredentialId", "abc",
                "passwordFile", "/etc/pilotd/password")), Map.of("OS_APPLICATION_CREDENTIAL_SECRET", "s")))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("passwordFile: goes with a username, not with an application credential");
    }

    @Test
    void aCloudsFileNamedByTheQueueMustHaveTheCloud() throws Exception {
        Path file = home.resolve("mine.yaml");
        Files.writeString(file, "clouds:\n  other: {auth: {auth_url: 'https://k/v3'}}\n");
        assertThatThrownBy(() -> config(vm(Map.of("cloud", "cern", "cloudsFile", file.toString())), Map.of()))
                .hasMessageContaining("cloud: " + file + " has no cloud 'cern' under clouds:");
    }
}
