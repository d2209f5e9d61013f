package io.pilotd.driver.jclouds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jclouds.compute.options.TemplateOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** openstack-nova's Keystone settings and the nodes' security groups, checked at config and given to jclouds. */
class JcloudsConfigTest {
    @TempDir
    Path dir;

    private Map<String, Object> nova() throws Exception {
        Path credential = Files.writeString(dir.resolve("nova.password"), "secret");
        Files.setPosixFilePermissions(credential, PosixFilePermissions.fromString("rw-------"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provider", "openstack-nova");
        p.put("identity", "Default:pilots");
        p.put("credentialFile", credential.toString());
        p.put("endpoint", "https://keystone.example.org:5000/v3");
        p.put("project", "dirac");
        p.put("image", "alma9");
        p.put("hardware", "m1.large");
        return p;
    }

    @Test
    void keystoneV3IsTheDefaultScopedToTheProjectOfItsDomain() throws Exception {
        Properties properties = JcloudsContexts.properties(JcloudsConfig.from(new DriverParameters(nova())));
        assertThat(properties).containsEntry("jclouds.keystone.version", "3")
                .containsEntry("jclouds.keystone.scope", "project:dirac")
                .containsEntry("jclouds.keystone.project-domain-name", "Default")
                .as("jclouds re-sends nothing itself").containsEntry("jclouds.max-retries", "0");
    }

    @Test
    void jcloudsRetriesCannotBeTurnedBackOn() throws Exception {
        Map<String, Object> p = nova();
        p.put("overrides", Map.of("jclouds.max-retries", "5"));
        assertThatThrownBy(() -> JcloudsConfig.from(new DriverParameters(p))).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("overrides: 'jclouds.max-retries' is 0 in pilotd");
    }

    @Test
    void whatKeystoneV3NeedsIsNamedAtConfig() throws Exception {
        Map<String, Object> p = nova();
        p.put("identity", "pilots");
        p.remove("project");
        p.put("endpoint", "https://keystone.example.org:5000");
        p.put("overrides", Map.of("jclouds.keystone.scope", "project:other"));
        assertThatThrownBy(() -> JcloudsConfig.from(new DriverParameters(p))).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("identity: 'pilots' is no Keystone v3 identity: give <user domain>:<user>")
                .hasMessageContaining("project: is required by openstack-nova with Keystone v3")
                .hasMessageContaining("endpoint: 'https://keystone.example.org:5000' is not Keystone's v3 URL")
                .hasMessageContaining("overrides: 'jclouds.keystone.scope' is set by keystoneVersion, project and projectDomain");
    }

    @Test
    void keystoneSettingsApplyToOpenstackNovaOnly() {
        Map<String, Object> p = new LinkedHashMap<>(Map.of("provider", "stub", "identity", "me", "image", "i", "hardware", "h",
                "project", "dirac"));
        assertThatThrownBy(() -> JcloudsConfig.from(new DriverParameters(p)))
                .hasMessageContaining("project: applies to openstack-nova only");
    }

    @Test
    void jcloudsMakesNoSecurityGroupOfItsOwnUnlessPortsAreAskedFor() throws Exception {
        TemplateOptions none = new TemplateOptions();
        assertThat(none.getInboundPorts()).as("jclouds' default: a group opening 22").containsExactly(22);
        JcloudsDriver.placement(none, JcloudsConfig.from(new DriverParameters(nova())));
        assertThat(none.getInboundPorts()).isEmpty();
        assertThat(none.getGroups()).isEmpty();

        Map<String, Object> existing = nova();
        existing.put("securityGroups", List.of("pilots"));
        TemplateOptions grouped = new TemplateOptions();
        JcloudsDriver.placement(grouped, JcloudsConfig.from(new DriverParameters(existing)));
        assertThat(grouped.getGroups()).containsExactly("pilots");
        assertThat(grouped.getInboundPorts()).isEmpty();

        Map<String, Object> ports = nova();
        ports.put("inboundPorts", List.of(22, 9100));
        TemplateOptions opened = new TemplateOptions();
        JcloudsDriver.placement(opened, JcloudsConfig.from(new DriverParameters(ports)));
        assertThat(opened.getInboundPorts()).containsExactly(22, 9100);

        Map<String, Object> both = nova();
        both.put("securityGroups", List.of("pilots"));
        both.put("inboundPorts", List.of(70000));
        assertThatThrownBy(() -> JcloudsConfig.from(new DriverParameters(both)))
                .hasMessageContaining("inboundPorts: '70000' is not a port");
    }
}
