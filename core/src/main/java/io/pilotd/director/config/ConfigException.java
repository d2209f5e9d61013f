package io.pilotd.director.config;

import java.util.List;
import java.util.stream.Collectors;

/** The config cannot be used: every problem found, one per line. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String file, String message) {
        this(List.of(new ConfigProblem(file, 0, "", message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
