package io.pilotd.driver.api;

import java.util.List;

/** A queue's driver parameters are wrong: every problem, each naming its parameter. */
public class InvalidParametersException extends Exception {
    private static final long serialVersionUID = 1L;

    /** One wrong parameter: its name (dotted for nested values) and what is wrong with it. */
    public record Problem(String parameter, String message) {
    }

    private final transient List<Problem> problems;

    public InvalidParametersException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        StringBuilder text = new StringBuilder();
        for (Problem problem : problems) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(problem.parameter()).append(": ").append(problem.message());
        }
        return text.toString();
    }
}
