package io.pilotd.director.config;

/**
 * One thing wrong with a config: where (file, line, field path such as
 * {@code queues[2].limits.maxWaiting}) and what.
 */
public record ConfigProblem(String file, int line, String path, String message) {
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (!path.isEmpty()) {
            text.append(path).append(": ");
        }
        return text.append(message).toString();
    }
}
