package io.pilotd.driver.openstack;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import io.pilotd.driver.api.UserDirs;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** {@code driver: openstack}: pilots as Nova servers. */
public final class OpenStackDriverFactory implements PilotDriverFactory {
    private final Map<String, String> env;
    private final Path home;
    private final Path workDir;

    public OpenStackDriverFactory() {
        this(System.getenv(), UserDirs.home(System.getenv()), Path.of("").toAbsolutePath());
    }

    /** With the variables, home and working directory clouds.yaml and OS_* are looked up in. */
    OpenStackDriverFactory(Map<String, String> env, Path home, Path workDir) {
        this.env = Map.copyOf(env);
        this.home = home;
        this.workDir = workDir;
    }

    @Override
    public String name() {
        return "openstack";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        OpenStackConfig config = OpenStackConfig.from(parameters, env, home, workDir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(config.apiTimeout()).build();
        Keystone keystone = new Keystone(config.credentials(), http, config.apiTimeout(), Clock.systemUTC(),
                config.callsPerSecond());
        return new OpenStackDriver(config, context, keystone, new NovaApi(keystone, http, config.apiTimeout()));
    }
}
