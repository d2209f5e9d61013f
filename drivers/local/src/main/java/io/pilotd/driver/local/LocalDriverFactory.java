package io.pilotd.driver.local;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** {@code driver: local}: pilots as processes on the director host. */
public final class LocalDriverFactory implements PilotDriverFactory {
    private final Map<String, String> env;

    public LocalDriverFactory() {
        this(System.getenv());
    }

    /** With the environment whose PATH finds a command that is a bare name. */
    LocalDriverFactory(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        return new LocalDriver(LocalConfig.from(parameters), context);
    }

    /** A command that is not there: on a file system not mounted yet, or a typo; its pilots would fail at once. */
    @Override
    public List<InvalidParametersException.Problem> warnings(DriverParameters parameters) {
        List<String> command;
        try {
            command = LocalConfig.from(parameters).command();
        } catch (InvalidParametersException e) {
            return List.of();
        }
        if (command.isEmpty()) {
            return List.of();
        }
        return missing(command.get(0))
                .map(why -> List.of(new InvalidParametersException.Problem("command", why + ": its pilots would fail to start until it is")))
                .orElse(List.of());
    }

    private Optional<String> missing(String program) {
        if (program.contains("/")) {
            Path path = Path.of(program);
            if (!path.isAbsolute()) {
                return Optional.empty();
            }
            if (!Files.exists(path)) {
                return Optional.of("'" + program + "' does not exist on this host");
            }
            return Files.isExecutable(path) ? Optional.empty() : Optional.of("'" + program + "' is not executable");
        }
        String searchPath = env.getOrDefault("PATH", "");
        boolean found = Stream.of(searchPath.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
        return found ? Optional.empty() : Optional.of("'" + program + "' is on no directory of the PATH (" + searchPath + ")");
    }
}
